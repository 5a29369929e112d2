// ROC curve and the area under it, as scikit-learn 1.2 computes them.
//
// roc_curve(y_true 0/1, scores): the points (fpr, tpr) for every distinct
// score taken as a threshold (a case is positive when score >= threshold),
// highest threshold first, plus a first point (0, 0) whose threshold is
// max(score) + 1 (sklearn 1.2; sklearn >= 1.3 writes +inf there). With
// drop_intermediate (default) collinear points are dropped exactly as
// sklearn.metrics.roc_curve does. Without negatives fpr is all NaN, without
// positives tpr is all NaN (sklearn warns and does the same).
// roc_auc: sklearn.metrics.roc_auc_score for binary labels (trapezoidal area;
// ties score one half, as the Mann-Whitney U statistic); NaN when y_true holds
// one class only (sklearn raises).
// roc_auc_ovr_macro(y_true in [0,k), probs [n][k] rows summing to 1): mean
// over classes of the AUC of probs[:,c] for class c against the rest
// (roc_auc_score(multi_class="ovr", average="macro")); NaN unless every class
// has cases in y_true (sklearn raises). Throws DataError on bad input
// (check.h).
#pragma once
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct RocCurve {
  std::vector<double> fpr, tpr, thresholds;
};

RocCurve roc_curve(const Labels& y_true, const Scores& scores, bool drop_intermediate = true);
double roc_auc(const Labels& y_true, const Scores& scores);
double roc_auc_ovr_macro(const Labels& y_true, const Probabilities& probs);
// The per-class one-vs-rest AUCs of roc_auc_ovr_macro (NaN for a class that
// is absent from y_true or is the only class present).
std::vector<double> roc_auc_ovr(const Labels& y_true, const Probabilities& probs);

}  // namespace medcnn
