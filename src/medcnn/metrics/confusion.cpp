#include "medcnn/metrics/confusion.h"

#include <cmath>

#include "medcnn/metrics/check.h"

namespace medcnn {

namespace {

double ratio0(int64_t num, int64_t den) {  // zero_division = 0
  return den == 0 ? 0.0 : static_cast<double>(num) / static_cast<double>(den);
}

template <class F>
std::vector<double> per_class(const ConfusionMatrix& cm, F f) {
  std::vector<double> v(cm.size());
  for (size_t c = 0; c < cm.size(); ++c) v[c] = f(one_vs_rest(cm, static_cast<int>(c)));
  return v;
}

}  // namespace

ConfusionMatrix confusion_matrix(const Labels& y_true, const Labels& y_pred, int num_classes) {
  return confusion_matrix(y_true, y_pred, num_classes, std::vector<int64_t>(y_true.size(), 1));
}

ConfusionMatrix confusion_matrix(const Labels& y_true, const Labels& y_pred, int num_classes,
                                 const std::vector<int64_t>& weights) {
  const std::string where = "confusion_matrix";
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "y_pred", y_pred.size());
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "weights", weights.size());
  metrics_detail::check_labels(where, y_true, num_classes, "y_true");
  metrics_detail::check_labels(where, y_pred, num_classes, "y_pred");
  ConfusionMatrix cm(static_cast<size_t>(num_classes),
                     std::vector<int64_t>(static_cast<size_t>(num_classes), 0));
  for (size_t i = 0; i < y_true.size(); ++i)
    cm[static_cast<size_t>(y_true[i])][static_cast<size_t>(y_pred[i])] += weights[i];
  return cm;
}

BinaryCounts one_vs_rest(const ConfusionMatrix& cm, int positive) {
  BinaryCounts b;
  const size_t p = static_cast<size_t>(positive);
  for (size_t t = 0; t < cm.size(); ++t)
    for (size_t q = 0; q < cm[t].size(); ++q) {
      const int64_t n = cm[t][q];
      if (t == p && q == p)
        b.tp += n;
      else if (t == p)
        b.fn += n;
      else if (q == p)
        b.fp += n;
      else
        b.tn += n;
    }
  return b;
}

double sensitivity(const BinaryCounts& c) { return ratio0(c.tp, c.tp + c.fn); }
double specificity(const BinaryCounts& c) { return ratio0(c.tn, c.tn + c.fp); }
double precision(const BinaryCounts& c) { return ratio0(c.tp, c.tp + c.fp); }
double npv(const BinaryCounts& c) { return ratio0(c.tn, c.tn + c.fn); }
double f1(const BinaryCounts& c) { return ratio0(2 * c.tp, 2 * c.tp + c.fp + c.fn); }
double fpr(const BinaryCounts& c) { return ratio0(c.fp, c.fp + c.tn); }
double accuracy(const BinaryCounts& c) { return ratio0(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn); }

double balanced_accuracy(const BinaryCounts& c) {
  const bool has_pos = c.positives() > 0, has_neg = c.negatives() > 0;
  if (has_pos && has_neg) return 0.5 * (sensitivity(c) + specificity(c));
  if (has_pos) return sensitivity(c);
  if (has_neg) return specificity(c);
  return std::numeric_limits<double>::quiet_NaN();
}

double accuracy(const ConfusionMatrix& cm) {
  int64_t diag = 0, total = 0;
  for (size_t t = 0; t < cm.size(); ++t)
    for (size_t q = 0; q < cm[t].size(); ++q) {
      total += cm[t][q];
      if (t == q) diag += cm[t][q];
    }
  return total == 0 ? std::numeric_limits<double>::quiet_NaN() : ratio0(diag, total);
}

double balanced_accuracy(const ConfusionMatrix& cm) {
  double sum = 0;
  int present = 0;
  for (size_t t = 0; t < cm.size(); ++t) {
    int64_t row = 0;
    for (int64_t n : cm[t]) row += n;
    if (row == 0) continue;  // class absent from y_true: left out (sklearn)
    sum += static_cast<double>(cm[t][t]) / static_cast<double>(row);
    ++present;
  }
  return present == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / present;
}

std::vector<double> per_class_sensitivity(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return sensitivity(c); });
}
std::vector<double> per_class_specificity(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return specificity(c); });
}
std::vector<double> per_class_precision(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return precision(c); });
}
std::vector<double> per_class_npv(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return npv(c); });
}
std::vector<double> per_class_f1(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return f1(c); });
}
std::vector<double> per_class_fpr(const ConfusionMatrix& cm) {
  return per_class(cm, [](const BinaryCounts& c) { return fpr(c); });
}

namespace metrics_detail {
double macro_mean(const ConfusionMatrix& cm, const std::vector<double>& v) {
  double sum = 0;
  int present = 0;
  for (size_t c = 0; c < cm.size(); ++c) {
    const BinaryCounts b = one_vs_rest(cm, static_cast<int>(c));
    if (b.tp + b.fn + b.fp == 0) continue;  // neither in y_true nor in y_pred
    sum += v[c];
    ++present;
  }
  return present == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / present;
}
}  // namespace metrics_detail

double macro_sensitivity(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_sensitivity(cm));
}
double macro_specificity(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_specificity(cm));
}
double macro_precision(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_precision(cm));
}
double macro_npv(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_npv(cm));
}
double macro_f1(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_f1(cm));
}
double macro_fpr(const ConfusionMatrix& cm) {
  return metrics_detail::macro_mean(cm, per_class_fpr(cm));
}

}  // namespace medcnn
