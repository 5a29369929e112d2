// Test cases for the classification metrics: seeded labels and probabilities
// with ties, perfect and inverted rankings, heavy imbalance and several
// classes; writing them for the scikit-learn oracle; comparing numbers.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medcnn/core/rng.h"
#include "medcnn/metrics/types.h"
#include "test_support.h"

namespace medcnn::test {

struct MetricsCase {
  std::string name;
  Labels y;
  Probabilities probs;
  double threshold = -1;  // binary: class 1 when p1 >= threshold; < 0: argmax
  int k() const { return static_cast<int>(probs[0].size()); }
};

inline double round_to(double v, double step) { return std::round(v / step) * step; }

// Two classes; scores rounded to one decimal, so many ties.
inline MetricsCase binary_ties(size_t n, uint64_t seed, double threshold) {
  Rng rng(seed);
  MetricsCase c{"binary_ties", {}, {}, threshold};
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = rng.bernoulli(0.4) ? 1 : 0;
    const double s = round_to(std::clamp(rng.uniform() * 0.8 + 0.25 * y, 0.0, 1.0), 0.1);
    c.y.push_back(y);
    c.probs.push_back({1 - s, s});
  }
  return c;
}

// Every positive scores above every negative (or below, inverted).
inline MetricsCase binary_separated(size_t n, uint64_t seed, bool inverted) {
  Rng rng(seed);
  MetricsCase c{inverted ? "binary_inverted" : "binary_perfect", {}, {}, 0.5};
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = rng.bernoulli(0.5) ? 1 : 0;
    double s = round_to(y ? 0.6 + 0.4 * rng.uniform() : 0.4 * rng.uniform(), 0.01);
    if (inverted) s = 1 - s;
    c.y.push_back(y);
    c.probs.push_back({1 - s, s});
  }
  return c;
}

// 5% positives, overlapping scores with some ties.
inline MetricsCase binary_imbalanced(size_t n, uint64_t seed, double threshold) {
  Rng rng(seed);
  MetricsCase c{"binary_imbalanced", {}, {}, threshold};
  for (size_t i = 0; i < n; ++i) {
    const int64_t y = (i % 20 == 7) ? 1 : 0;
    const double s = round_to(1 / (1 + std::exp(-(rng.normal() + 1.5 * y - 1.0))), 0.02);
    c.y.push_back(y);
    c.probs.push_back({1 - s, s});
  }
  return c;
}

// k classes: softmax of logits rounded to one decimal (ties in every column);
// class c drawn with weight class_weights[c] (0 = class never in y).
inline MetricsCase multiclass(size_t n, uint64_t seed, const std::vector<double>& class_weights) {
  Rng rng(seed);
  const size_t k = class_weights.size();
  MetricsCase c{"multiclass_" + std::to_string(k), {}, {}, -1};
  double total = 0;
  for (double w : class_weights) total += w;
  for (size_t i = 0; i < n; ++i) {
    double u = rng.uniform() * total;
    size_t y = 0;
    while (y + 1 < k && u >= class_weights[y]) u -= class_weights[y++];
    std::vector<double> p(k);
    double z = 0;
    for (size_t j = 0; j < k; ++j) {
      p[j] = std::exp(round_to(rng.normal(0.0, 1.0) + (j == y ? 1.2 : 0.0), 0.5));
      z += p[j];
    }
    for (double& v : p) v /= z;
    c.y.push_back(static_cast<int64_t>(y));
    c.probs.push_back(p);
  }
  return c;
}

inline Scores column_of(const Probabilities& p, size_t c) {
  Scores s;
  for (const auto& row : p) s.push_back(row[c]);
  return s;
}

inline Labels one_vs_rest_labels(const Labels& y, int64_t c) {
  Labels out;
  for (int64_t v : y) out.push_back(v == c ? 1 : 0);
  return out;
}

// Runs tests/oracles/metrics_sklearn.py on the case.
inline nlohmann::json sklearn_oracle(const MetricsCase& c, const TempDir& dir,
                                     double sensitivity_target = 0.9,
                                     const nlohmann::json& bootstrap = nullptr) {
  nlohmann::json in;
  in["y_true"] = c.y;
  in["probs"] = c.probs;
  in["threshold"] = c.threshold >= 0 ? nlohmann::json(c.threshold) : nlohmann::json(nullptr);
  in["sensitivity_target"] = sensitivity_target;
  if (!bootstrap.is_null()) in["bootstrap"] = bootstrap;
  const std::string path = dir.file(c.name + ".json");
  write_text(path, in.dump());
  return run_oracle("metrics_sklearn.py", {path});
}

inline double num(const nlohmann::json& j) {
  return j.is_null() ? std::numeric_limits<double>::quiet_NaN() : j.get<double>();
}

// a == b within tol, NaN matching NaN (null).
inline void expect_same(double a, double b, double tol, const std::string& what) {
  if (std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a)) << what << ": expected undefined (NaN), got " << a;
  } else {
    EXPECT_NEAR(a, b, tol) << what;
  }
}

inline void expect_same_vec(const std::vector<double>& a, const nlohmann::json& b, double tol,
                            const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i)
    expect_same(a[i], num(b[i]), tol, what + "[" + std::to_string(i) + "]");
}

inline void expect_same_json(const nlohmann::json& a, const nlohmann::json& b, double tol,
                             const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i)
    expect_same(num(a[i]), num(b[i]), tol, what + "[" + std::to_string(i) + "]");
}

}  // namespace medcnn::test
