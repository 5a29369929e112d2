// The counting core shared by the ROC and precision-recall curves
// (scikit-learn's _binary_clf_curve), with optional integer case weights so
// the bootstrap can reuse one sort for every resample.
//
// order: case indices by descending score (order_by_score_desc). The curve
// holds one point per distinct score, from the highest score down: fps/tps =
// weighted count of negatives/positives scoring >= that threshold. Cases of
// weight 0 are left out. Inputs are assumed checked (check.h), except by the
// checked_/ovr_ helpers at the end, which check them first (errors name `where`).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn::metrics_detail {

struct ClfCurve {
  std::vector<double> fps, tps, thresholds;
  double positives() const { return tps.empty() ? 0.0 : tps.back(); }
  double negatives() const { return fps.empty() ? 0.0 : fps.back(); }
};

std::vector<size_t> order_by_score_desc(const Scores& scores);

// positive[i]: case i is of the positive class. weights: nullptr = all 1.
ClfCurve binary_clf_curve(const std::vector<size_t>& order, const std::vector<uint8_t>& positive,
                          const Scores& scores, const std::vector<int64_t>* weights = nullptr);

// Area under the ROC curve (trapezoids); NaN without positives or negatives.
double roc_auc_from(const ClfCurve& curve);
// Step-wise average precision sum (R_i - R_{i-1}) P_i; NaN without positives.
double average_precision_from(const ClfCurve& curve);

// Checks binary y_true (0/1) and finite scores of the same length, then
// returns the curve of class 1.
ClfCurve checked_binary_curve(const std::string& where, const Labels& y_true,
                              const Scores& scores);
// Checks y_true against the probability rows, then returns from(curve of
// class c vs the rest) for each class c.
std::vector<double> ovr_values(const std::string& where, const Labels& y_true,
                               const Probabilities& probs, double (*from)(const ClfCurve&));
// Mean of the values; NaN if any of them is NaN.
double mean_or_nan(const std::vector<double>& values);

}  // namespace medcnn::metrics_detail
