#include "medcnn/metrics/roc.h"

#include <cmath>
#include <limits>

#include "medcnn/metrics/check.h"
#include "medcnn/metrics/curve_core.h"

namespace medcnn {

namespace {

metrics_detail::ClfCurve checked_curve(const std::string& where, const Labels& y_true,
                                       const Scores& scores) {
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "scores", scores.size());
  metrics_detail::check_binary_labels(where, y_true);
  metrics_detail::check_scores(where, scores);
  std::vector<uint8_t> pos(y_true.size());
  for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == 1;
  return metrics_detail::binary_clf_curve(metrics_detail::order_by_score_desc(scores), pos, scores);
}

}  // namespace

RocCurve roc_curve(const Labels& y_true, const Scores& scores, bool drop_intermediate) {
  metrics_detail::ClfCurve c = checked_curve("roc_curve", y_true, scores);
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
  return metrics_detail::roc_auc_from(checked_curve("roc_auc", y_true, scores));
}

std::vector<double> roc_auc_ovr(const Labels& y_true, const Probabilities& probs) {
  const std::string where = "roc_auc_ovr";
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "probabilities", probs.size());
  const int k = metrics_detail::check_probabilities(where, probs);
  metrics_detail::check_labels(where, y_true, k);
  std::vector<double> aucs(static_cast<size_t>(k));
  std::vector<uint8_t> pos(y_true.size());
  for (int c = 0; c < k; ++c) {
    for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == c;
    const Scores s = metrics_detail::column(probs, c);
    aucs[static_cast<size_t>(c)] = metrics_detail::roc_auc_from(
        metrics_detail::binary_clf_curve(metrics_detail::order_by_score_desc(s), pos, s));
  }
  return aucs;
}

double roc_auc_ovr_macro(const Labels& y_true, const Probabilities& probs) {
  const std::vector<double> aucs = roc_auc_ovr(y_true, probs);
  double sum = 0;
  for (double a : aucs) {
    if (std::isnan(a)) return std::numeric_limits<double>::quiet_NaN();
    sum += a;
  }
  return sum / static_cast<double>(aucs.size());
}

}  // namespace medcnn
