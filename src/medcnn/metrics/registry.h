// Classification metrics by name, for configs (model selection, early
// stopping, "monitor = auc").
//
// Each entry maps (y_true, probs [n][k]) to one number, with argmax decisions
// for the metrics that need decisions. Two classes: class 1 is positive and
// auc/average_precision rank probs[:,1]; k > 2: auc and average_precision are
// one-vs-rest macro means, sensitivity..fpr macro averages (confusion.h).
// A metric that is undefined on the data (AUC with one class present) returns
// NaN; the caller decides what to do with it. "loss" is not here (the trainer
// computes it). find_metric throws ConfigError naming the known metrics.
#pragma once
#include <string>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

using ClassificationMetricFn = double (*)(const Labels& y_true, const Probabilities& probs);

struct MetricInfo {
  const char* name;
  ClassificationMetricFn fn;
  bool higher_is_better;
  const char* description;
};

const std::vector<MetricInfo>& classification_metrics();
bool has_classification_metric(const std::string& name);
const MetricInfo& find_classification_metric(const std::string& name);
double evaluate_classification_metric(const std::string& name, const Labels& y_true,
                                      const Probabilities& probs);

}  // namespace medcnn
