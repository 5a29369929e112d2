// classification_report: the evaluation JSON of a classifier on one data set,
// consumed by the HTML report and the CLI (docs/metrics.md has the schema).
//
// Inputs: y_true (class indices 0..k-1), probs [n][k] (rows sum to 1, k >= 2),
// class_names (k names, or empty for "0", "1", ...), options: the decision
// rule (two classes: a threshold on p(class 1), chosen beforehand on
// validation data with choose_decision_rule; k > 2: argmax only), bootstrap
// resamples (0 = no intervals) and seed.
// Output: {"task":"classification","classes","n","class_counts",
// "positive_class" and "threshold" (binary only),"threshold_rule","metrics":{
// name:{"value","ci95":[lo,hi] or null,"note"?,"bootstrap_skipped"?}},
// "confusion_matrix","roc","pr" (binary only: of class 1),"per_class":[...],
// "bootstrap":{...}}. Metrics: accuracy, auc, average_precision, sensitivity,
// specificity, precision, npv, f1, balanced_accuracy, fpr, kappa,
// kappa_linear, kappa_quadratic; for k > 2 auc and average_precision are
// one-vs-rest macro means and sensitivity..fpr macro averages. An undefined
// metric (AUC with one class present) has value null and a "note"; a ratio
// with a zero denominator is 0 (sklearn zero_division=0) with a "note", and
// bootstrap resamples where it is undefined are skipped and counted.
// Throws DataError on bad input (lengths, labels, NaN, rows not summing to
// 1, wrong number of names) and ConfigError for a threshold rule with k > 2.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medcnn/metrics/operating_point.h"
#include "medcnn/metrics/types.h"

namespace medcnn {

struct ReportOptions {
  DecisionRule rule;     // argmax by default
  int bootstrap = 1000;  // resamples for the 95% intervals; 0 = none
  uint64_t seed = 0;
};

// The metric names of the "metrics" object, in the order they are written.
const std::vector<std::string>& report_metric_names();

nlohmann::json classification_report(const Labels& y_true, const Probabilities& probs,
                                     const std::vector<std::string>& class_names,
                                     const ReportOptions& options = {});

}  // namespace medcnn
