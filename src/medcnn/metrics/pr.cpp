#include "medcnn/metrics/pr.h"

#include "medcnn/metrics/curve_core.h"

namespace medcnn {

using metrics_detail::checked_binary_curve;

PrCurve precision_recall_curve(const Labels& y_true, const Scores& scores) {
  const metrics_detail::ClfCurve c =
      checked_binary_curve("precision_recall_curve", y_true, scores);
  const double P = c.positives();
  PrCurve r;
  for (size_t j = c.tps.size(); j-- > 0;) {
    const double ps = c.tps[j] + c.fps[j];
    r.precision.push_back(ps > 0 ? c.tps[j] / ps : 0.0);
    r.recall.push_back(P > 0 ? c.tps[j] / P : 1.0);
    r.thresholds.push_back(c.thresholds[j]);
  }
  r.precision.push_back(1.0);
  r.recall.push_back(0.0);
  return r;
}

double average_precision(const Labels& y_true, const Scores& scores) {
  return metrics_detail::average_precision_from(
      checked_binary_curve("average_precision", y_true, scores));
}

std::vector<double> average_precision_ovr(const Labels& y_true, const Probabilities& probs) {
  return metrics_detail::ovr_values("average_precision_ovr", y_true, probs,
                                    metrics_detail::average_precision_from);
}

double average_precision_ovr_macro(const Labels& y_true, const Probabilities& probs) {
  return metrics_detail::mean_or_nan(average_precision_ovr(y_true, probs));
}

}  // namespace medcnn
