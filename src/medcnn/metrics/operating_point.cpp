#include "medcnn/metrics/operating_point.h"

#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/metrics/check.h"
#include "medcnn/metrics/roc.h"

namespace medcnn {

namespace {

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(out);
}

std::string format_number(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

double youden_threshold(const Labels& y_true, const Scores& scores) {
  const RocCurve roc = roc_curve(y_true, scores, /*drop_intermediate=*/false);
  if (std::isnan(roc.fpr.back()) || std::isnan(roc.tpr.back()))
    throw DataError("youden_threshold", "needs both classes in y_true, got one only");
  size_t best = 0;
  for (size_t i = 1; i < roc.thresholds.size(); ++i)
    if (roc.tpr[i] - roc.fpr[i] > roc.tpr[best] - roc.fpr[best]) best = i;
  return roc.thresholds[best];
}

double sensitivity_threshold(const Labels& y_true, const Scores& scores, double target) {
  if (!(target > 0 && target <= 1))
    throw ConfigError("sensitivity_threshold",
                      "target sensitivity must be in (0, 1], got " + format_number(target));
  const RocCurve roc = roc_curve(y_true, scores, /*drop_intermediate=*/false);
  if (std::isnan(roc.tpr.back()))
    throw DataError("sensitivity_threshold", "needs positive cases (label 1) in y_true, got none");
  for (size_t i = 0; i < roc.tpr.size(); ++i)
    if (roc.tpr[i] >= target) return roc.thresholds[i];
  return roc.thresholds.back();  // unreachable: the last point has tpr 1
}

Labels predict_threshold(const Scores& positive_scores, double threshold) {
  metrics_detail::check_scores("predict_threshold", positive_scores);
  Labels y(positive_scores.size());
  for (size_t i = 0; i < y.size(); ++i) y[i] = positive_scores[i] >= threshold ? 1 : 0;
  return y;
}

Labels predict_argmax(const Probabilities& probs) {
  metrics_detail::check_not_empty("predict_argmax", probs.size());
  Labels y(probs.size());
  for (size_t i = 0; i < probs.size(); ++i) {
    const auto& row = probs[i];
    if (row.empty()) throw DataError("predict_argmax", "row " + std::to_string(i) + " is empty");
    size_t best = 0;
    for (size_t c = 1; c < row.size(); ++c)
      if (row[c] > row[best]) best = c;
    y[i] = static_cast<int64_t>(best);
  }
  return y;
}

Labels predict(const DecisionRule& rule, const Probabilities& probs) {
  const int k = metrics_detail::check_probabilities("predict", probs);
  if (rule.is_argmax()) return predict_argmax(probs);
  if (k != 2)
    throw ConfigError("decision rule", "'" + rule.name + "' thresholds two classes only; " +
                                           std::to_string(k) + " classes need 'argmax'");
  return predict_threshold(metrics_detail::column(probs, 1), rule.threshold);
}

DecisionRule choose_decision_rule(const std::string& spec, const Labels& y_val,
                                  const Probabilities& probs_val) {
  if (spec == "argmax") return DecisionRule::argmax();
  const std::string where = "decision rule";
  const int k = metrics_detail::check_probabilities(where, probs_val);
  metrics_detail::check_same_length(where, "y_true", y_val.size(), "probabilities",
                                    probs_val.size());
  metrics_detail::check_labels(where, y_val, k);
  if (k != 2)
    throw ConfigError(where, "'" + spec + "' thresholds two classes only; " + std::to_string(k) +
                                 " classes need 'argmax'");
  const Scores p1 = metrics_detail::column(probs_val, 1);
  double v = 0;
  if (spec == "youden") return {"youden", youden_threshold(y_val, p1)};
  const std::string sens = "sensitivity=";
  if (spec.rfind(sens, 0) == 0) {
    if (!parse_double(spec.substr(sens.size()), v))
      throw ConfigError(where, "'" + spec + "': the target after 'sensitivity=' is not a number");
    return {"sensitivity=" + format_number(v), sensitivity_threshold(y_val, p1, v)};
  }
  const std::string fixed = "fixed=";
  if (spec.rfind(fixed, 0) == 0 ? parse_double(spec.substr(fixed.size()), v)
                                : parse_double(spec, v))
    return DecisionRule::fixed(v);
  throw ConfigError(where, "unknown rule '" + spec +
                               "' (expected argmax, youden, sensitivity=<0..1>, fixed=<t> or <t>)");
}

}  // namespace medcnn
