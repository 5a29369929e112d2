// Confusion matrix and the metrics read from it (scikit-learn's definitions).
//
// confusion_matrix(y_true, y_pred, k): k x k counts, rows = true class,
// columns = predicted class (sklearn.metrics.confusion_matrix with
// labels=range(k)). Throws DataError on empty input, different lengths or a
// label outside [0, k).
//
// Binary metrics read one class against the rest (BinaryCounts; class 1 of a
// two-class matrix is the positive class):
//   sensitivity = recall = TPR = TP/(TP+FN)   specificity = TNR = TN/(TN+FP)
//   precision = PPV = TP/(TP+FP)              npv = TN/(TN+FN)
//   f1 = 2TP/(2TP+FP+FN)                      fpr = FP/(FP+TN)
// Zero division: a ratio whose denominator is 0 is 0 (sklearn zero_division=0).
// accuracy = trace / n. balanced_accuracy = mean recall over the classes
// present in y_true (sklearn.metrics.balanced_accuracy_score).
// Macro averages (sklearn average="macro") are plain means of the per-class
// values over the classes that occur in y_true or y_pred (sklearn's default
// label set); a class absent from both is left out.
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

using ConfusionMatrix = std::vector<std::vector<int64_t>>;  // [true][predicted]

ConfusionMatrix confusion_matrix(const Labels& y_true, const Labels& y_pred, int num_classes);
// Same, each case counted weights[i] times (weights >= 0; used by the bootstrap).
ConfusionMatrix confusion_matrix(const Labels& y_true, const Labels& y_pred, int num_classes,
                                 const std::vector<int64_t>& weights);

struct BinaryCounts {
  int64_t tp = 0, fp = 0, tn = 0, fn = 0;
  int64_t positives() const { return tp + fn; }
  int64_t negatives() const { return tn + fp; }
};

// Class `positive` against all others.
BinaryCounts one_vs_rest(const ConfusionMatrix& cm, int positive);

double sensitivity(const BinaryCounts& c);
double specificity(const BinaryCounts& c);
double precision(const BinaryCounts& c);
double npv(const BinaryCounts& c);
double f1(const BinaryCounts& c);
double fpr(const BinaryCounts& c);
double accuracy(const BinaryCounts& c);
// Mean of sensitivity and specificity, or the one of them that is defined
// when y_true holds one class only (as sklearn).
double balanced_accuracy(const BinaryCounts& c);

double accuracy(const ConfusionMatrix& cm);
double balanced_accuracy(const ConfusionMatrix& cm);

// Per-class values (class c against the rest), k entries.
std::vector<double> per_class_sensitivity(const ConfusionMatrix& cm);
std::vector<double> per_class_specificity(const ConfusionMatrix& cm);
std::vector<double> per_class_precision(const ConfusionMatrix& cm);
std::vector<double> per_class_npv(const ConfusionMatrix& cm);
std::vector<double> per_class_f1(const ConfusionMatrix& cm);
std::vector<double> per_class_fpr(const ConfusionMatrix& cm);

// Macro averages over the classes present in y_true or y_pred.
double macro_sensitivity(const ConfusionMatrix& cm);
double macro_specificity(const ConfusionMatrix& cm);
double macro_precision(const ConfusionMatrix& cm);
double macro_npv(const ConfusionMatrix& cm);
double macro_f1(const ConfusionMatrix& cm);
double macro_fpr(const ConfusionMatrix& cm);

namespace metrics_detail {
// The ratio num/den, or NaN when den is 0 (the bootstrap skips such resamples).
inline double ratio_or_nan(double num, double den) {
  return den == 0 ? std::numeric_limits<double>::quiet_NaN() : num / den;
}
// Mean of v over the classes present in y_true or y_pred.
double macro_mean(const ConfusionMatrix& cm, const std::vector<double>& v);
}  // namespace metrics_detail

}  // namespace medcnn
