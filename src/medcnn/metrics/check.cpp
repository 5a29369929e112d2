#include "medcnn/metrics/check.h"

#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"

namespace medcnn::metrics_detail {

void check_not_empty(const std::string& where, size_t n) {
  if (n == 0) throw DataError(where, "empty input: no cases to evaluate");
}

void check_same_length(const std::string& where, const char* name_a, size_t a, const char* name_b,
                       size_t b) {
  if (a != b) {
    std::ostringstream os;
    os << "mismatched lengths: " << name_a << " has " << a << " cases but " << name_b << " has "
       << b;
    throw DataError(where, os.str());
  }
}

void check_labels(const std::string& where, const Labels& y, int num_classes, const char* name) {
  check_not_empty(where, y.size());
  if (num_classes < 1)
    throw DataError(where, "num_classes must be at least 1, got " + std::to_string(num_classes));
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] < 0 || y[i] >= num_classes) {
      std::ostringstream os;
      os << "label out of range: " << name << "[" << i << "] = " << y[i] << " is not in [0, "
         << num_classes - 1 << "]";
      throw DataError(where, os.str());
    }
}

void check_binary_labels(const std::string& where, const Labels& y) {
  check_not_empty(where, y.size());
  for (size_t i = 0; i < y.size(); ++i)
    if (y[i] != 0 && y[i] != 1) {
      std::ostringstream os;
      os << "binary labels must be 0 or 1 (1 = positive): y_true[" << i << "] = " << y[i];
      throw DataError(where, os.str());
    }
}

void check_scores(const std::string& where, const Scores& scores) {
  check_not_empty(where, scores.size());
  for (size_t i = 0; i < scores.size(); ++i)
    if (!std::isfinite(scores[i])) {
      std::ostringstream os;
      os << "score of case " << i << " is " << (std::isnan(scores[i]) ? "NaN" : "infinite");
      throw DataError(where, os.str());
    }
}

int check_probabilities(const std::string& where, const Probabilities& probs) {
  check_not_empty(where, probs.size());
  const size_t k = probs[0].size();
  if (k < 2)
    throw DataError(where,
                    "probabilities need at least 2 columns (classes), got " + std::to_string(k));
  for (size_t i = 0; i < probs.size(); ++i) {
    if (probs[i].size() != k) {
      std::ostringstream os;
      os << "probability row " << i << " has " << probs[i].size() << " columns, row 0 has " << k;
      throw DataError(where, os.str());
    }
    double sum = 0;
    for (size_t c = 0; c < k; ++c) {
      const double p = probs[i][c];
      if (!std::isfinite(p)) {
        std::ostringstream os;
        os << "probability of case " << i << ", class " << c << " is "
           << (std::isnan(p) ? "NaN" : "infinite");
        throw DataError(where, os.str());
      }
      sum += p;
    }
    if (std::abs(sum - 1.0) > 1e-4) {
      std::ostringstream os;
      os << "probabilities of case " << i << " sum to " << sum << ", not 1";
      throw DataError(where, os.str());
    }
  }
  return static_cast<int>(k);
}

Scores column(const Probabilities& probs, int c) {
  Scores s(probs.size());
  for (size_t i = 0; i < probs.size(); ++i) s[i] = probs[i][static_cast<size_t>(c)];
  return s;
}

}  // namespace medcnn::metrics_detail
