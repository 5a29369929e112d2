#include "medcnn/metrics/uncertainty_evaluation.h"

#include <algorithm>
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/metrics/calibration.h"
#include "medcnn/metrics/referral.h"

namespace medcnn {
namespace {

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }

}  // namespace

nlohmann::json referral_section(const std::vector<int>& correct,
                                const std::map<std::string, std::vector<double>>& measures) {
  const size_t n = correct.size();
  double hits = 0;
  for (int c : correct) hits += c;
  const double accuracy = n ? hits / double(n) : 0.0;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, u] : measures) {
    if (u.size() != n)
      throw DataError("uncertainty", "measure '" + name + "' has " + std::to_string(u.size()) +
                                         " values for " + std::to_string(n) + " cases");
    const ReferralCurve r = referral_curve(correct, u);
    const double at10 = accuracy_at_referral(correct, u, 0.10);
    out[name] = {{"retained_fraction", r.retained_fraction},
                 {"accuracy", r.accuracy},
                 {"accuracy_refer_10", at10},
                 {"gain_refer_10", at10 - accuracy}};
  }
  return out;
}

nlohmann::json evaluate_uncertainty(const Labels& y, const Probabilities& probs,
                                    const Labels& decided,
                                    const std::map<std::string, std::vector<double>>& measures,
                                    int n_bins) {
  const size_t n = y.size();
  if (probs.size() != n || decided.size() != n)
    throw DataError("uncertainty", "labels, probabilities and decisions differ in length");
  std::vector<int> correct(n);
  double hits = 0;
  for (size_t i = 0; i < n; ++i) hits += correct[i] = decided[i] == y[i];
  const Calibration c = top_label_calibration(y, probs, n_bins);
  nlohmann::json bins = nlohmann::json::array();
  for (const auto& b : c.bins)
    bins.push_back({{"lower", b.lower}, {"upper", b.upper}, {"count", b.count},
                    {"confidence", number(b.mean_confidence)}, {"accuracy", number(b.accuracy)}});
  nlohmann::json out;
  out["accuracy"] = n ? hits / double(n) : 0.0;
  out["calibration"] = {{"ece", c.ece}, {"mce", number(c.mce)},
                        {"nll", negative_log_likelihood(probs, y)},
                        {"brier", brier_score(probs, y)}, {"n_bins", n_bins}, {"bins", bins}};
  std::map<std::string, std::vector<double>> all = measures;
  std::vector<double> least(n);
  for (size_t i = 0; i < n; ++i)
    least[i] = 1.0 - *std::max_element(probs[i].begin(), probs[i].end());
  all["least_confidence"] = least;
  out["referral"] = referral_section(correct, all);
  return out;
}

}  // namespace medcnn
