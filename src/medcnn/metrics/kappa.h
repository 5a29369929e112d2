// Cohen's kappa: agreement between y_true and y_pred beyond chance.
//
// kappa = 1 - sum(w * O) / sum(w * E), O the k x k confusion matrix, E the
// outer product of its row and column sums divided by n, and weights
// w_ij = [i != j] (None), |i - j| (Linear) or (i - j)^2 (Quadratic), i and j
// being class indices 0..k-1. Equals sklearn.metrics.cohen_kappa_score(
// y_true, y_pred, labels=range(k), weights=...). (Without labels= sklearn
// numbers only the classes present, which changes the weighted kappas when a
// class in the middle is absent.) NaN when sum(w * E) is 0, e.g. when y_true
// and y_pred both hold one and the same class only (sklearn returns nan).
// Throws DataError on bad input, as confusion_matrix.
#pragma once
#include "medcnn/metrics/confusion.h"

namespace medcnn {

enum class KappaWeights { None, Linear, Quadratic };

double cohen_kappa(const Labels& y_true, const Labels& y_pred, int num_classes,
                   KappaWeights weights = KappaWeights::None);
double cohen_kappa(const ConfusionMatrix& cm, KappaWeights weights = KappaWeights::None);

}  // namespace medcnn
