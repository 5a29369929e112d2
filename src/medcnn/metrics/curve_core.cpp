#include "medcnn/metrics/curve_core.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "medcnn/metrics/check.h"

namespace medcnn::metrics_detail {

std::vector<size_t> order_by_score_desc(const Scores& scores) {
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  return order;
}

ClfCurve binary_clf_curve(const std::vector<size_t>& order, const std::vector<uint8_t>& positive,
                          const Scores& scores, const std::vector<int64_t>* weights) {
  ClfCurve c;
  double tp = 0, fp = 0;
  bool open = false;  // a point for the current score is pending
  double current = 0;
  for (size_t j = 0; j < order.size(); ++j) {
    const size_t i = order[j];
    const double w = weights ? static_cast<double>((*weights)[i]) : 1.0;
    if (w == 0) continue;
    if (open && scores[i] != current) {
      c.fps.push_back(fp);
      c.tps.push_back(tp);
      c.thresholds.push_back(current);
    }
    current = scores[i];
    open = true;
    if (positive[i])
      tp += w;
    else
      fp += w;
  }
  if (open) {
    c.fps.push_back(fp);
    c.tps.push_back(tp);
    c.thresholds.push_back(current);
  }
  return c;
}

double roc_auc_from(const ClfCurve& curve) {
  const double P = curve.positives(), N = curve.negatives();
  if (P <= 0 || N <= 0) return std::numeric_limits<double>::quiet_NaN();
  // Twice the area in count units: sum (fp_i - fp_{i-1}) (tp_i + tp_{i-1}).
  double area2 = 0, fp0 = 0, tp0 = 0;
  for (size_t i = 0; i < curve.fps.size(); ++i) {
    area2 += (curve.fps[i] - fp0) * (curve.tps[i] + tp0);
    fp0 = curve.fps[i];
    tp0 = curve.tps[i];
  }
  return area2 / (2.0 * P * N);
}

double average_precision_from(const ClfCurve& curve) {
  const double P = curve.positives();
  if (P <= 0) return std::numeric_limits<double>::quiet_NaN();
  double ap = 0, r0 = 0;
  for (size_t i = 0; i < curve.tps.size(); ++i) {
    const double r = curve.tps[i] / P;
    const double p = curve.tps[i] / (curve.tps[i] + curve.fps[i]);
    ap += (r - r0) * p;
    r0 = r;
  }
  return ap;
}

ClfCurve checked_binary_curve(const std::string& where, const Labels& y_true,
                              const Scores& scores) {
  check_same_length(where, "y_true", y_true.size(), "scores", scores.size());
  check_binary_labels(where, y_true);
  check_scores(where, scores);
  std::vector<uint8_t> pos(y_true.size());
  for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == 1;
  return binary_clf_curve(order_by_score_desc(scores), pos, scores);
}

std::vector<double> ovr_values(const std::string& where, const Labels& y_true,
                               const Probabilities& probs, double (*from)(const ClfCurve&)) {
  check_same_length(where, "y_true", y_true.size(), "probabilities", probs.size());
  const int k = check_probabilities(where, probs);
  check_labels(where, y_true, k);
  std::vector<double> values(static_cast<size_t>(k));
  std::vector<uint8_t> pos(y_true.size());
  for (int c = 0; c < k; ++c) {
    for (size_t i = 0; i < y_true.size(); ++i) pos[i] = y_true[i] == c;
    const Scores s = column(probs, c);
    values[static_cast<size_t>(c)] = from(binary_clf_curve(order_by_score_desc(s), pos, s));
  }
  return values;
}

double mean_or_nan(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) {
    if (std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
    sum += v;
  }
  return sum / static_cast<double>(values.size());
}

}  // namespace medcnn::metrics_detail
