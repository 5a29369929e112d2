// Precision-recall curve and average precision, as scikit-learn 1.2.
//
// precision_recall_curve(y_true 0/1, scores): sklearn.metrics.
// precision_recall_curve: one point per distinct score taken as a threshold
// (positive when score >= threshold), ordered by increasing threshold, then a
// last point (precision 1, recall 0) that has no threshold (so thresholds has
// one entry fewer). Without positives in y_true recall is 1 everywhere (as
// sklearn).
// average_precision: sklearn.metrics.average_precision_score, the step-wise
// sum AP = sum_n (R_n - R_{n-1}) P_n over the thresholds (no trapezoids, no
// interpolation). NaN when y_true has no positives (sklearn warns and returns
// 0 there; medcnn calls it undefined).
// average_precision_ovr_macro(y_true in [0,k), probs [n][k]): mean over
// classes of the one-vs-rest AP of probs[:,c] (average_precision_score on
// label_binarize(y_true), average="macro"); NaN if a class is absent.
// Throws DataError on bad input (check.h).
#pragma once
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct PrCurve {
  std::vector<double> precision, recall, thresholds;
};

PrCurve precision_recall_curve(const Labels& y_true, const Scores& scores);
double average_precision(const Labels& y_true, const Scores& scores);
std::vector<double> average_precision_ovr(const Labels& y_true, const Probabilities& probs);
double average_precision_ovr_macro(const Labels& y_true, const Probabilities& probs);

}  // namespace medcnn
