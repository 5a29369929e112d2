// ClassificationTask: one label per image (or volume, or signal).
//
// Targets: Batch::labels (int64 class indices; a case without a label in a
// training or validation batch is a DataError naming it). Output: logits
// [B, K]. Loss: any registered loss (default cross_entropy), built with the
// training class counts so "balanced" weights resolve. Metrics: the names in
// options.metrics (docs/metrics.md; default auc, accuracy, sensitivity,
// specificity, balanced_accuracy), from softmax probabilities (decisions by
// argmax); evaluation() applies options.rule (a threshold chosen on
// validation, or argmax).
// evaluation() gives the full classification report JSON (with bootstrap CIs
// when options.bootstrap > 0). default_monitor(): "auc".
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/losses/loss.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/tasks/task.h"

namespace medcnn {

struct ClassificationOptions {
  std::vector<std::string> class_names;  // K names
  std::vector<int64_t> class_counts;     // training cases per class
  nlohmann::json loss = {{"name", "cross_entropy"}};
  std::vector<std::string> metrics = {"auc", "accuracy", "sensitivity", "specificity",
                                      "balanced_accuracy"};
  DecisionRule rule;            // decisions in evaluation(): argmax by default
  int bootstrap = 0;            // resamples for CIs in evaluation()
  uint64_t seed = 0;
};

class ClassificationTask : public Task {
 public:
  explicit ClassificationTask(ClassificationOptions options);
  std::string name() const override { return "classification"; }
  at::Tensor loss(const at::Tensor& output, const Batch& batch) const override;
  void reset() override;
  void accumulate(const at::Tensor& output, const Batch& batch) override;
  std::map<std::string, double> metrics() const override;
  nlohmann::json evaluation() const override;
  std::string default_monitor() const override { return "auc"; }

  const std::vector<int64_t>& labels() const { return labels_; }
  const std::vector<std::vector<double>>& probabilities() const { return probs_; }
  const std::vector<std::string>& ids() const { return ids_; }
  ClassificationOptions& options() { return options_; }

 private:
  ClassificationOptions options_;
  LossPtr loss_;
  std::vector<int64_t> labels_;
  std::vector<std::vector<double>> probs_;
  std::vector<std::string> ids_;
};

// The evaluation JSON (docs/metrics.md) of labels and probabilities
// [case][class], with options' class names, threshold, bootstrap and seed.
nlohmann::json evaluate_classification(const std::vector<int64_t>& labels,
                                       const std::vector<std::vector<double>>& probabilities,
                                       const ClassificationOptions& options);

}  // namespace medcnn
