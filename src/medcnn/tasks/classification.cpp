#include "medcnn/tasks/classification.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/metrics/classification_report.h"
#include "medcnn/metrics/registry.h"

namespace medcnn {

ClassificationTask::ClassificationTask(ClassificationOptions options)
    : options_(std::move(options)) {
  const int64_t k = static_cast<int64_t>(options_.class_names.size());
  if (k < 2) throw DataError("classification", "needs at least two classes, the data has " +
                                                   std::to_string(k));
  LossContext context{k, options_.class_counts};
  loss_ = make_loss(options_.loss, context);
  for (const auto& m : options_.metrics)
    if (!has_classification_metric(m)) find_classification_metric(m);  // ConfigError naming it
}

at::Tensor ClassificationTask::loss(const at::Tensor& output, const Batch& batch) const {
  if (!batch.labels.defined() || batch.labels.lt(0).any().item<bool>()) {
    std::string id;
    for (int64_t i = 0; i < batch.size(); ++i)
      if (!batch.labels.defined() || batch.labels[i].item<int64_t>() < 0) {
        id = batch.ids[i];
        break;
      }
    throw DataError(id, "case has no class label (training and validation need one)");
  }
  const int64_t k = static_cast<int64_t>(options_.class_names.size());
  if (output.dim() != 2 || output.size(1) != k)
    throw ConfigError("network", "outputs " + std::to_string(output.dim() == 2 ? output.size(1) : -1) +
                                     " class scores, the data has " + std::to_string(k) + " classes");
  return loss_->forward(output, batch.labels.to(output.device()));
}

void ClassificationTask::reset() {
  labels_.clear();
  probs_.clear();
  ids_.clear();
}

void ClassificationTask::accumulate(const at::Tensor& output, const Batch& batch) {
  auto p = torch::softmax(output.detach().to(torch::kFloat), 1).to(torch::kDouble).cpu().contiguous();
  const int64_t k = p.size(1);
  const double* d = p.data_ptr<double>();
  for (int64_t i = 0; i < batch.size(); ++i) {
    probs_.emplace_back(d + i * k, d + (i + 1) * k);
    labels_.push_back(batch.labels.defined() ? batch.labels[i].item<int64_t>() : -1);
    ids_.push_back(batch.ids[i]);
  }
}

std::map<std::string, double> ClassificationTask::metrics() const {
  std::map<std::string, double> out;
  for (const auto& m : options_.metrics) {
    double v = NAN;
    try {
      v = evaluate_classification_metric(m, labels_, probs_);
    } catch (const DataError&) {
      v = NAN;  // undefined on this data (e.g. AUC with one class present)
    }
    out[m] = v;
  }
  return out;
}

nlohmann::json ClassificationTask::evaluation() const {
  return evaluate_classification(labels_, probs_, options_);
}

nlohmann::json evaluate_classification(const std::vector<int64_t>& labels,
                                       const std::vector<std::vector<double>>& probabilities,
                                       const ClassificationOptions& options) {
  ReportOptions o;
  o.rule = options.rule;
  o.bootstrap = options.bootstrap;
  o.seed = options.seed;
  return classification_report(labels, probabilities, options.class_names, o);
}

}  // namespace medcnn
