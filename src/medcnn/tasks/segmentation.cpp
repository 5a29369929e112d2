#include "medcnn/tasks/segmentation.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/metrics/roc.h"
#include "medcnn/metrics/segmentation_evaluation.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return NAN;
  double s = 0;
  for (double x : v) s += x;
  return s / v.size();
}

// Overlap metrics that exist both per case and pooled ("global").
const std::vector<std::string> kGlobal = {"dice", "iou", "sensitivity", "specificity", "accuracy"};

}  // namespace

SegmentationTask::SegmentationTask(SegmentationOptions options) : options_(std::move(options)) {
  const int64_t k = static_cast<int64_t>(options_.class_names.size());
  if (k < 2)
    throw DataError("segmentation", "needs at least two classes (background and one more), got " +
                                        std::to_string(k));
  LossContext context;
  context.num_classes = k;
  context.ignore_label = kIgnoreLabel;
  loss_ = make_loss(options_.loss, context);
  const auto& known = segmentation_metric_names();
  for (const auto& m : options_.metrics)
    if (std::find(known.begin(), known.end(), m) == known.end()) {
      std::string list;
      for (const auto& n : known) list += (list.empty() ? "" : ", ") + n;
      throw ConfigError("evaluate.metrics", "unknown segmentation metric '" + m + "' (known: " +
                                                list + ")");
    }
}

at::Tensor SegmentationTask::targets(const Batch& batch) const {
  if (!batch.masks.defined())
    throw DataError(batch.ids.empty() ? "segmentation" : batch.ids[0],
                    "a segmentation batch needs a mask for every case");
  return batch.masks.squeeze(1);
}

at::Tensor SegmentationTask::loss(const at::Tensor& output, const Batch& batch) const {
  at::Tensor t = targets(batch).to(output.device());
  const int64_t k = static_cast<int64_t>(options_.class_names.size());
  if (output.dim() != t.dim() + 1 || output.size(1) != k)
    throw ConfigError("network", "outputs " + std::to_string(output.dim() > 1 ? output.size(1) : -1) +
                                     " channels per voxel, the data has " + std::to_string(k) +
                                     " classes");
  for (int64_t a = 2; a < output.dim(); ++a)
    if (output.size(a) != t.size(a - 1))
      throw DataError(batch.ids.empty() ? "segmentation" : batch.ids[0],
                      "the network output does not lie on the mask's grid");
  return loss_->forward(output, t);
}

at::Tensor SegmentationTask::deep_loss(const std::vector<at::Tensor>& outputs,
                                       const Batch& batch) const {
  if (outputs.empty()) throw DataError(name(), "the network returned no output");
  if (outputs.size() == 1) return loss(outputs[0], batch);
  at::Tensor t = targets(batch).to(outputs[0].device());
  double wsum = 0;
  for (size_t i = 0; i < outputs.size(); ++i) wsum += std::pow(0.5, double(i));
  at::Tensor total = loss(outputs[0], batch) * (1.0 / wsum);
  for (size_t i = 1; i < outputs.size(); ++i) {
    std::vector<int64_t> size(outputs[i].sizes().begin() + 2, outputs[i].sizes().end());
    at::Tensor ti = F::interpolate(t.unsqueeze(1).to(torch::kFloat),
                                   F::InterpolateFuncOptions().size(size).mode(torch::kNearest))
                        .squeeze(1)
                        .to(torch::kLong);
    total = total + loss_->forward(outputs[i], ti) * (std::pow(0.5, double(i)) / wsum);
  }
  return total;
}

at::Tensor SegmentationTask::infer(Network& net, const at::Tensor& images) const {
  return sliding_window_inference(
      images, [&](const at::Tensor& x) { return net.forward(x); }, options_.inferer);
}

void SegmentationTask::reset() {
  cases_.clear();
  auc_labels_.clear();
  auc_scores_.clear();
}

void SegmentationTask::accumulate(const at::Tensor& output, const Batch& batch) {
  at::Tensor t = targets(batch).cpu().contiguous();
  at::Tensor probs = torch::softmax(output.detach().to(torch::kFloat), 1).cpu();
  at::Tensor pred = probs.argmax(1).contiguous();
  const int64_t k = probs.size(1);
  SegmentationMetricOptions mo;
  mo.num_classes = k;
  mo.ignore_label = kIgnoreLabel;
  mo.metrics = options_.metrics;
  mo.auc = false;
  for (int64_t i = 0; i < batch.size(); ++i) {
    Grid grid;
    grid.shape.assign(t.sizes().begin() + 1, t.sizes().end());
    if (i < (int64_t)batch.samples.size()) {
      const auto& sp = batch.samples[i].image.geometry.spacing;
      for (size_t a = grid.shape.size(); a-- > 0;) grid.spacing.push_back(sp[a]);
    }
    at::Tensor ti = t[i].contiguous(), pi = pred[i].contiguous();
    nlohmann::json c = evaluate_segmentation_case(pi.data_ptr<int64_t>(), ti.data_ptr<int64_t>(),
                                                  grid, mo);
    c["id"] = batch.ids[i];
    cases_.push_back(std::move(c));
    if (k == 2) {
      at::Tensor valid = ti.ne(kIgnoreLabel);
      at::Tensor lab = ti.masked_select(valid).contiguous();
      at::Tensor sc = probs[i][1].masked_select(valid).to(torch::kDouble).contiguous();
      auc_labels_.insert(auc_labels_.end(), lab.data_ptr<int64_t>(),
                         lab.data_ptr<int64_t>() + lab.numel());
      auc_scores_.insert(auc_scores_.end(), sc.data_ptr<double>(),
                         sc.data_ptr<double>() + sc.numel());
    }
  }
}

std::map<std::string, double> SegmentationTask::metrics() const {
  std::map<std::string, double> out;
  if (cases_.empty()) return out;
  for (const auto& m : options_.metrics) {
    std::vector<double> per_case;
    for (const auto& c : cases_) {
      std::vector<double> per_class;
      for (const auto& pc : c["per_class"])
        if (pc.contains(m) && pc[m].is_number()) per_class.push_back(pc[m].get<double>());
      if (!per_class.empty()) per_case.push_back(mean_of(per_class));
    }
    out[m] = mean_of(per_case);
  }
  nlohmann::json summary = summarize_segmentation(cases_);
  for (const auto& m : kGlobal) {
    std::vector<double> per_class;
    for (const auto& pc : summary["per_class"])
      if (pc.contains("global") && pc["global"].contains(m) && pc["global"][m].is_number())
        per_class.push_back(pc["global"][m].get<double>());
    out["global_" + m] = mean_of(per_class);
  }
  if (!auc_labels_.empty()) {
    double auc = NAN;
    try {
      auc = roc_auc(auc_labels_, auc_scores_);
    } catch (const DataError&) {
    }
    out["auc"] = auc;
  }
  return out;
}

nlohmann::json SegmentationTask::evaluation() const {
  nlohmann::json e{{"task", "segmentation"}, {"classes", options_.class_names},
                   {"cases", cases_}, {"summary", summarize_segmentation(cases_)}};
  auto m = metrics();
  e["auc"] = m.count("auc") && std::isfinite(m["auc"]) ? nlohmann::json(m["auc"]) : nlohmann::json();
  nlohmann::json flat = nlohmann::json::object();
  for (const auto& [k, v] : m) flat[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json();
  e["metrics"] = flat;
  return e;
}

}  // namespace medcnn
