#include "medcnn/metrics/pr.h"

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

PrCurve precision_recall_curve(const Labels& y_true, const Scores& scores) {
  const metrics_detail::ClfCurve c = checked_curve("precision_recall_curve", y_true, scores);
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
  return metrics_detail::average_precision_from(checked_curve("average_precision", y_true, scores));
}

std::vector<double> average_precision_ovr(const Labels& y_true, const Probabilities& probs) {
  const std::string where = "average_precision_ovr";
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "probabilities", probs.size());
  const int k = metrics_detail::check_probabilities(where, probs);
  metrics_detail::check_labels(where, y_true, k);
  std::vector<double> aps(static_cast<size_t>(k));
  std::vector<uint8_t> pos(y_true.size());
  for (int c = 0; c < k; ++c) {
    for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == c;
    const Scores s = metrics_detail::column(probs, c);
    aps[static_cast<size_t>(c)] = metrics_detail::average_precision_from(
        metrics_detail::binary_clf_curve(metrics_detail::order_by_score_desc(s), pos, s));
  }
  return aps;
}

double average_precision_ovr_macro(const Labels& y_true, const Probabilities& probs) {
  const std::vector<double> aps = average_precision_ovr(y_true, probs);
  double sum = 0;
  for (double a : aps) {
    if (std::isnan(a)) return std::numeric_limits<double>::quiet_NaN();
    sum += a;
  }
  return sum / static_cast<double>(aps.size());
}

}  // namespace medcnn
