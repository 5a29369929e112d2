#include "medcnn/tasks/localization.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/metrics/localization.h"

namespace medcnn {
namespace {

std::vector<int64_t> spatial_size(const at::Tensor& images) {
  return std::vector<int64_t>(images.sizes().begin() + 2, images.sizes().end());
}

// Extent of Box axis a (x, y, z) in a tensor of spatial `size` (tensor order).
double axis_extent(const std::vector<int64_t>& size, int a) {
  return double(size[size.size() - 1 - a]);
}

// Normalised (lo, hi) corners [B, d] each from parameters [B, 2d].
std::pair<at::Tensor, at::Tensor> corners(const at::Tensor& p, int d) {
  at::Tensor c = p.narrow(1, 0, d), s = p.narrow(1, d, d);
  return {c - s / 2, c + s / 2};
}

at::Tensor giou_loss(const at::Tensor& pred, const at::Tensor& target, int d) {
  auto [plo, phi] = corners(pred, d);
  auto [tlo, thi] = corners(target, d);
  at::Tensor inter = (torch::min(phi, thi) - torch::max(plo, tlo)).clamp_min(0).prod(1);
  at::Tensor vp = (phi - plo).clamp_min(0).prod(1), vt = (thi - tlo).clamp_min(0).prod(1);
  at::Tensor uni = vp + vt - inter;
  at::Tensor hull = (torch::max(phi, thi) - torch::min(plo, tlo)).clamp_min(0).prod(1);
  at::Tensor iou = inter / uni.clamp_min(1e-9);
  at::Tensor giou = iou - (hull - uni) / hull.clamp_min(1e-9);
  return (1 - giou).mean();
}

}  // namespace

int64_t localization_outputs(int64_t num_classes, int dims) { return num_classes + 2 * dims; }

std::vector<Box> decode_localization(const at::Tensor& output, int64_t k,
                                     const std::vector<int64_t>& size,
                                     std::vector<std::vector<double>>* probabilities) {
  const int d = int(size.size());
  if (output.dim() != 2 || output.size(1) != localization_outputs(k, d))
    throw ConfigError("network", "a localization network for " + std::to_string(k) +
                                     " classes in " + std::to_string(d) + "-D outputs " +
                                     std::to_string(localization_outputs(k, d)) + " values");
  at::Tensor o = output.detach().to(torch::kDouble).cpu();
  at::Tensor box = torch::sigmoid(o.narrow(1, k, 2 * d));
  at::Tensor prob = k >= 2 ? torch::softmax(o.narrow(1, 0, k), 1) : torch::ones({o.size(0), 1}, o.options());
  std::vector<Box> out;
  for (int64_t i = 0; i < o.size(0); ++i) {
    Box b;
    b.dims = d;
    for (int a = 0; a < d; ++a) {
      const double e = axis_extent(size, a);
      const double c = box[i][a].item<double>() * e, s = box[i][d + a].item<double>() * e;
      b.lo[a] = c - s / 2;
      b.hi[a] = c + s / 2;
    }
    b.label = int(prob[i].argmax().item<int64_t>());
    b.score = float(prob[i][b.label].item<double>());
    out.push_back(b);
    if (probabilities) {
      std::vector<double> row(k);
      for (int64_t c = 0; c < k; ++c) row[c] = prob[i][c].item<double>();
      probabilities->push_back(row);
    }
  }
  return out;
}

LocalizationTask::LocalizationTask(LocalizationOptions options) : options_(std::move(options)) {
  if (options_.class_names.empty())
    throw DataError("localization", "needs at least one object class");
  if (options_.dims < 1 || options_.dims > 3)
    throw ConfigError("localization", "dims must be 1, 2 or 3");
}

at::Tensor LocalizationTask::targets(const Batch& batch, const std::vector<int64_t>& size) const {
  const int d = options_.dims;
  at::Tensor t = torch::zeros({batch.size(), 2 * d}, torch::kFloat);
  for (int64_t i = 0; i < batch.size(); ++i) {
    if (i >= int64_t(batch.boxes.size()) || batch.boxes[i].size() != 1)
      throw DataError(batch.ids[i], "localization needs exactly one box per case, this one has " +
                                        std::to_string(i < int64_t(batch.boxes.size())
                                                           ? batch.boxes[i].size()
                                                           : 0));
    const Box& b = batch.boxes[i][0];
    for (int a = 0; a < d; ++a) {
      const double e = axis_extent(size, a);
      t[i][a] = (b.lo[a] + b.hi[a]) / 2 / e;
      t[i][d + a] = (b.hi[a] - b.lo[a]) / e;
    }
  }
  return t;
}

at::Tensor LocalizationTask::loss(const at::Tensor& output, const Batch& batch) const {
  const int64_t k = int64_t(options_.class_names.size());
  const int d = options_.dims;
  const auto size = spatial_size(batch.images);
  if (output.dim() != 2 || output.size(1) != localization_outputs(k, d))
    throw ConfigError("network", "outputs " + std::to_string(output.size(-1)) +
                                     " values, localization needs " +
                                     std::to_string(localization_outputs(k, d)));
  at::Tensor out = output.to(torch::kFloat);
  at::Tensor target = targets(batch, size).to(out.device());
  at::Tensor pred = torch::sigmoid(out.narrow(1, k, 2 * d));
  namespace F = torch::nn::functional;
  // smooth-L1 written out (beta = 1/9): libtorch 1.13 and 2.x pass beta differently
  const double beta = 1.0 / 9;
  at::Tensor diff = (pred - target).abs();
  at::Tensor smooth = torch::where(diff < beta, 0.5 * diff.pow(2) / beta, diff - 0.5 * beta);
  at::Tensor loss = options_.box_weight * smooth.sum(1).mean() +
                    options_.giou_weight * giou_loss(pred, target, d);
  if (k >= 2) {
    if (!batch.labels.defined() || batch.labels.lt(0).any().item<bool>())
      throw DataError(batch.ids.empty() ? "batch" : batch.ids[0],
                      "localization with several classes needs each object's class");
    loss = loss + F::cross_entropy(out.narrow(1, 0, k), batch.labels.to(out.device()));
  }
  return loss;
}

void LocalizationTask::reset() {
  ids_.clear();
  predicted_.clear();
  truth_.clear();
  labels_.clear();
  spacing_.clear();
}

void LocalizationTask::accumulate(const at::Tensor& output, const Batch& batch) {
  const int64_t k = int64_t(options_.class_names.size());
  const auto size = spatial_size(batch.images);
  targets(batch, size);  // checks one box per case
  std::vector<Box> boxes = decode_localization(output, k, size);
  for (int64_t i = 0; i < batch.size(); ++i) {
    ids_.push_back(batch.ids[i]);
    predicted_.push_back(boxes[i]);
    Box t = batch.boxes[i][0];
    t.dims = options_.dims;
    truth_.push_back(t);
    labels_.push_back(batch.labels.defined() ? batch.labels[i].item<int64_t>() : 0);
    spacing_.push_back(i < int64_t(batch.samples.size())
                           ? batch.samples[i].image.geometry.spacing
                           : std::array<double, 3>{1, 1, 1});
  }
}

std::map<std::string, double> LocalizationTask::metrics() const {
  nlohmann::json e = evaluation();
  std::map<std::string, double> out;  // higher is better: the errors are left out
  for (const char* k : {"accuracy", "mean_iou", "class_accuracy"})
    if (e["metrics"].contains(k)) out[k] = e["metrics"][k].get<double>();
  return out;
}

nlohmann::json LocalizationTask::evaluation() const {
  const bool classes = options_.class_names.size() >= 2;
  std::vector<Box> pred = predicted_, truth = truth_;
  for (size_t i = 0; i < truth.size(); ++i) truth[i].label = int(labels_[i]);
  LocalizationResult r = evaluate_localization(pred, truth, spacing_, classes);
  nlohmann::json cases = nlohmann::json::array();
  double class_hits = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    const Box& p = pred[i];
    const Box& t = truth[i];
    class_hits += p.label == t.label;
    auto corners = [](const Box& b) {
      std::vector<double> v;
      for (int a = 0; a < b.dims; ++a) v.push_back(b.lo[a]);
      for (int a = 0; a < b.dims; ++a) v.push_back(b.hi[a]);
      return v;
    };
    cases.push_back({{"id", ids_[i]}, {"iou", r.iou[i]}, {"centroid_error_px", r.centroid_error_px[i]},
                     {"class", options_.class_names.at(t.label)},
                     {"predicted_class", options_.class_names.at(p.label)},
                     {"box", corners(t)}, {"predicted_box", corners(p)}});
  }
  nlohmann::json metrics = {{"accuracy", r.accuracy}, {"mean_iou", r.mean_iou},
                            {"mean_centroid_error_px", r.mean_centroid_error_px},
                            {"mean_centroid_error_mm", r.mean_centroid_error_mm}};
  if (classes) metrics["class_accuracy"] = ids_.empty() ? 0.0 : class_hits / double(ids_.size());
  return {{"task", "localization"}, {"n", ids_.size()}, {"classes", options_.class_names},
          {"metrics", metrics}, {"cases", cases}};
}

}  // namespace medcnn
