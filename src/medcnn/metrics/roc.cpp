#include "medcnn/metrics/roc.h"

#include <limits>

#include "medcnn/metrics/curve_core.h"

namespace medcnn {

using metrics_detail::checked_binary_curve;

RocCurve roc_curve(const Labels& y_true, const Scores& scores, bool drop_intermediate) {
  metrics_detail::ClfCurve c = checked_binary_curve("roc_curve", y_true, scores);
  std::vector<size_t> keep;
  const size_t m = c.fps.size();
  for (size_t i = 0; i < m; ++i) {
    if (drop_intermediate && m > 2 && i > 0 && i + 1 < m) {
      const double dfp = c.fps[i + 1] - 2 * c.fps[i] + c.fps[i - 1];
      const double dtp = c.tps[i + 1] - 2 * c.tps[i] + c.tps[i - 1];
      if (dfp == 0 && dtp == 0) continue;  // collinear with its neighbours
    }
    keep.push_back(i);
  }
  RocCurve r;
  const double N = c.negatives(), P = c.positives();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.fpr.push_back(N > 0 ? 0.0 : nan);
  r.tpr.push_back(P > 0 ? 0.0 : nan);
  r.thresholds.push_back(c.thresholds[0] + 1);
  for (size_t i : keep) {
    r.fpr.push_back(N > 0 ? c.fps[i] / N : nan);
    r.tpr.push_back(P > 0 ? c.tps[i] / P : nan);
    r.thresholds.push_back(c.thresholds[i]);
  }
  return r;
}

double roc_auc(const Labels& y_true, const Scores& scores) {
  return metrics_detail::roc_auc_from(checked_binary_curve("roc_auc", y_true, scores));
}

std::vector<double> roc_auc_ovr(const Labels& y_true, const Probabilities& probs) {
  return metrics_detail::ovr_values("roc_auc_ovr", y_true, probs, metrics_detail::roc_auc_from);
}

double roc_auc_ovr_macro(const Labels& y_true, const Probabilities& probs) {
  return metrics_detail::mean_or_nan(roc_auc_ovr(y_true, probs));
}

}  // namespace medcnn
