#include "medcnn/metrics/registry.h"

#include "medcnn/core/error.h"
#include "medcnn/metrics/check.h"
#include "medcnn/metrics/confusion.h"
#include "medcnn/metrics/kappa.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/metrics/pr.h"
#include "medcnn/metrics/roc.h"

namespace medcnn {

namespace {

// The confusion matrix of argmax decisions, after checking the inputs.
ConfusionMatrix argmax_confusion(const Labels& y, const Probabilities& p) {
  const int k = metrics_detail::check_probabilities("metric", p);
  metrics_detail::check_same_length("metric", "y_true", y.size(), "probabilities", p.size());
  return confusion_matrix(y, predict_argmax(p), k);
}

template <double (*Binary)(const BinaryCounts&), double (*Macro)(const ConfusionMatrix&)>
double decision_metric(const Labels& y, const Probabilities& p) {
  const ConfusionMatrix cm = argmax_confusion(y, p);
  return cm.size() == 2 ? Binary(one_vs_rest(cm, 1)) : Macro(cm);
}

double m_accuracy(const Labels& y, const Probabilities& p) {
  return accuracy(argmax_confusion(y, p));
}
double m_balanced_accuracy(const Labels& y, const Probabilities& p) {
  return balanced_accuracy(argmax_confusion(y, p));
}
double m_auc(const Labels& y, const Probabilities& p) {
  const int k = metrics_detail::check_probabilities("auc", p);
  if (k == 2) {
    metrics_detail::check_same_length("auc", "y_true", y.size(), "probabilities", p.size());
    return roc_auc(y, metrics_detail::column(p, 1));
  }
  return roc_auc_ovr_macro(y, p);
}
double m_average_precision(const Labels& y, const Probabilities& p) {
  const int k = metrics_detail::check_probabilities("average_precision", p);
  if (k == 2) {
    metrics_detail::check_same_length("average_precision", "y_true", y.size(), "probabilities",
                                      p.size());
    return average_precision(y, metrics_detail::column(p, 1));
  }
  return average_precision_ovr_macro(y, p);
}
double m_kappa(const Labels& y, const Probabilities& p) {
  return cohen_kappa(argmax_confusion(y, p), KappaWeights::None);
}
double m_kappa_linear(const Labels& y, const Probabilities& p) {
  return cohen_kappa(argmax_confusion(y, p), KappaWeights::Linear);
}
double m_kappa_quadratic(const Labels& y, const Probabilities& p) {
  return cohen_kappa(argmax_confusion(y, p), KappaWeights::Quadratic);
}

const std::vector<MetricInfo> kMetrics = {
    {"accuracy", m_accuracy, true, "fraction of cases classified correctly"},
    {"auc", m_auc, true, "area under the ROC curve (k > 2: one-vs-rest macro)"},
    {"average_precision", m_average_precision, true,
     "step-wise area under the precision-recall curve (k > 2: one-vs-rest macro)"},
    {"sensitivity", decision_metric<sensitivity, macro_sensitivity>, true,
     "recall, true positive rate (k > 2: macro)"},
    {"recall", decision_metric<sensitivity, macro_sensitivity>, true, "same as sensitivity"},
    {"specificity", decision_metric<specificity, macro_specificity>, true,
     "true negative rate (k > 2: macro)"},
    {"precision", decision_metric<precision, macro_precision>, true,
     "positive predictive value (k > 2: macro)"},
    {"npv", decision_metric<npv, macro_npv>, true, "negative predictive value (k > 2: macro)"},
    {"f1", decision_metric<f1, macro_f1>, true, "F1 score (k > 2: macro)"},
    {"balanced_accuracy", m_balanced_accuracy, true, "mean recall over the classes present"},
    {"fpr", decision_metric<fpr, macro_fpr>, false, "false positive rate (k > 2: macro)"},
    {"kappa", m_kappa, true, "Cohen's kappa"},
    {"kappa_linear", m_kappa_linear, true, "Cohen's kappa, linear weights"},
    {"kappa_quadratic", m_kappa_quadratic, true, "Cohen's kappa, quadratic weights"},
};

}  // namespace

const std::vector<MetricInfo>& classification_metrics() { return kMetrics; }

bool has_classification_metric(const std::string& name) {
  for (const auto& m : kMetrics)
    if (name == m.name) return true;
  return false;
}

const MetricInfo& find_classification_metric(const std::string& name) {
  for (const auto& m : kMetrics)
    if (name == m.name) return m;
  std::string known;
  for (const auto& m : kMetrics) known += (known.empty() ? "" : ", ") + std::string(m.name);
  throw ConfigError("metric",
                    "unknown classification metric '" + name + "' (known: " + known + ")");
}

double evaluate_classification_metric(const std::string& name, const Labels& y_true,
                                      const Probabilities& probs) {
  return find_classification_metric(name).fn(y_true, probs);
}

}  // namespace medcnn
