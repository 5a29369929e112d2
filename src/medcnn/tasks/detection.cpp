#include "medcnn/tasks/detection.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/metrics/detection.h"
#include "medcnn/metrics/froc.h"

namespace medcnn {
namespace {

constexpr double kAlpha = 0.54;  // TTFNet's Gaussian width factor

std::vector<int64_t> spatial_of(const at::Tensor& t) {
  return std::vector<int64_t>(t.sizes().begin() + 2, t.sizes().end());
}

void check_output(const at::Tensor& output, int64_t k, int d) {
  if (output.dim() != d + 2 || output.size(1) != detection_outputs(k, d))
    throw ConfigError("network", "a detection network for " + std::to_string(k) + " classes in " +
                                     std::to_string(d) + "-D outputs [B, " +
                                     std::to_string(detection_outputs(k, d)) +
                                     ", grid...], got " + std::to_string(output.dim()) +
                                     " axes with " +
                                     std::to_string(output.dim() > 1 ? output.size(1) : 0) +
                                     " channels");
}

// Stride along Box axis a (x = last tensor axis).
double stride_of(const std::vector<int64_t>& input, const std::vector<int64_t>& grid, int a) {
  const size_t i = input.size() - 1 - a;
  return double(input[i]) / double(grid[i]);
}

at::Tensor peak_pool(const at::Tensor& heat) {
  const int64_t d = heat.dim() - 2;
  if (d == 1) return torch::max_pool1d(heat, {3}, {1}, {1});
  if (d == 2) return torch::max_pool2d(heat, {3, 3}, {1, 1}, {1, 1});
  return torch::max_pool3d(heat, {3, 3, 3}, {1, 1, 1}, {1, 1, 1});
}

}  // namespace

int64_t detection_outputs(int64_t num_classes, int dims) { return num_classes + 2 * dims; }

DetectionOptions DetectionOptions::from_json(const nlohmann::json& j,
                                             std::vector<std::string> classes, int dims) {
  DetectionOptions o;
  o.class_names = std::move(classes);
  o.dims = dims;
  o.size_weight = j.value("size_weight", o.size_weight);
  o.offset_weight = j.value("offset_weight", o.offset_weight);
  o.score_threshold = j.value("score_threshold", o.score_threshold);
  o.nms_iou = j.value("nms_iou", o.nms_iou);
  o.max_detections = j.value("max_detections", o.max_detections);
  if (o.nms_iou < 0 || o.nms_iou > 1)
    throw ConfigError("detection.nms_iou", "must lie in [0, 1] (0: off)");
  if (o.score_threshold < 0 || o.score_threshold >= 1)
    throw ConfigError("detection.score_threshold", "must lie in [0, 1)");
  if (o.max_detections < 1) throw ConfigError("detection.max_detections", "must be at least 1");
  return o;
}

nlohmann::json DetectionOptions::to_json() const {
  return {{"size_weight", size_weight}, {"offset_weight", offset_weight},
          {"score_threshold", score_threshold}, {"nms_iou", nms_iou},
          {"max_detections", max_detections}};
}

CenterNetTargets centernet_targets(const std::vector<std::vector<Box>>& boxes,
                                   const std::vector<std::string>& ids, int64_t k,
                                   const std::vector<int64_t>& input_size,
                                   const std::vector<int64_t>& grid_size) {
  const int d = int(grid_size.size());
  const int64_t b = int64_t(boxes.size());
  std::vector<int64_t> hs{b, k}, vs{b, d}, ms{b};
  for (auto g : grid_size) {
    hs.push_back(g);
    vs.push_back(g);
    ms.push_back(g);
  }
  CenterNetTargets t;
  t.heatmap = torch::zeros(hs, torch::kFloat);
  t.size = torch::zeros(vs, torch::kFloat);
  t.offset = torch::zeros(vs, torch::kFloat);
  t.mask = torch::zeros(ms, torch::kBool);
  // Cell coordinates along each Box axis, broadcastable over the grid.
  std::vector<at::Tensor> coord(d);
  for (int a = 0; a < d; ++a) {
    const size_t axis = size_t(d - 1 - a);
    std::vector<int64_t> shape(d, 1);
    shape[axis] = grid_size[axis];
    coord[a] = torch::arange(grid_size[axis], torch::kFloat).reshape(shape);
  }
  for (int64_t i = 0; i < b; ++i) {
    const std::string id = i < int64_t(ids.size()) ? ids[i] : "case " + std::to_string(i);
    for (const Box& box : boxes[i]) {
      if (box.label < 0 || box.label >= k)
        throw DataError(id, "box of class '" + box.class_name + "' (index " +
                                std::to_string(box.label) + ") is not one of the detector's " +
                                std::to_string(k) + " classes");
      if (box.dims != d)
        throw DataError(id, "a " + std::to_string(box.dims) + "-D box in a " +
                                std::to_string(d) + "-D image");
      at::Tensor exponent = torch::zeros(grid_size, torch::kFloat);
      std::vector<int64_t> cell(d);  // tensor order
      std::vector<float> size(d), offset(d);
      for (int a = 0; a < d; ++a) {
        const double s = stride_of(input_size, grid_size, a);
        const double c = (box.lo[a] + box.hi[a]) / 2 / s, w = (box.hi[a] - box.lo[a]) / s;
        const int64_t g = grid_size[d - 1 - a];
        const int64_t p = std::clamp<int64_t>(int64_t(std::floor(c)), 0, g - 1);
        cell[d - 1 - a] = p;
        size[a] = float(std::log(std::max(w, 1e-3)));
        offset[a] = float(c - double(p));
        const double sigma = std::max(kAlpha * w / 6, 0.1);
        exponent = exponent + (coord[a] - double(p)).pow(2) / (2 * sigma * sigma);
      }
      at::Tensor heat = t.heatmap[i][box.label];
      heat.copy_(torch::max(heat, torch::exp(-exponent)));
      std::vector<at::indexing::TensorIndex> at_cell{i};
      for (auto c : cell) at_cell.emplace_back(c);
      t.mask.index_put_(at_cell, true);
      for (int a = 0; a < d; ++a) {
        std::vector<at::indexing::TensorIndex> idx{i, a};
        for (auto c : cell) idx.emplace_back(c);
        t.size.index_put_(idx, size[a]);
        t.offset.index_put_(idx, offset[a]);
      }
    }
  }
  return t;
}

std::vector<Box> class_aware_nms(std::vector<Box> boxes, double iou) {
  std::stable_sort(boxes.begin(), boxes.end(),
                   [](const Box& a, const Box& b) { return a.score > b.score; });
  if (iou <= 0) return boxes;
  std::vector<Box> kept;
  for (const Box& b : boxes) {
    bool drop = false;
    for (const Box& k : kept)
      if (k.label == b.label && box_iou(k, b) > iou) {
        drop = true;
        break;
      }
    if (!drop) kept.push_back(b);
  }
  return kept;
}

std::vector<std::vector<Box>> decode_detections(const at::Tensor& output, int64_t k,
                                                const std::vector<int64_t>& input_size,
                                                const DetectionOptions& options) {
  const int d = int(input_size.size());
  check_output(output, k, d);
  at::Tensor o = output.detach().to(torch::kFloat).cpu();
  const std::vector<int64_t> grid = spatial_of(o);
  at::Tensor heat = torch::sigmoid(o.narrow(1, 0, k));
  at::Tensor peaks = heat * (peak_pool(heat) == heat).to(torch::kFloat);
  const int64_t cells = heat[0][0].numel();
  std::vector<std::vector<Box>> out;
  for (int64_t i = 0; i < o.size(0); ++i) {
    at::Tensor flat = peaks[i].reshape({-1});
    const int64_t top = std::min<int64_t>(options.max_detections, flat.numel());
    auto [scores, index] = flat.topk(top);
    at::Tensor box = o[i].narrow(0, k, 2 * d).reshape({2 * d, -1});
    auto sc = scores.accessor<float, 1>();
    auto ix = index.accessor<int64_t, 1>();
    auto bx = box.accessor<float, 2>();
    std::vector<Box> found;
    for (int64_t j = 0; j < top; ++j) {
      if (sc[j] < options.score_threshold || sc[j] <= 0) break;
      const int64_t cls = ix[j] / cells, cell = ix[j] % cells;
      Box b;
      b.dims = d;
      b.label = int(cls);
      if (cls < int64_t(options.class_names.size())) b.class_name = options.class_names[cls];
      b.score = sc[j];
      int64_t rest = cell;
      for (int axis = d - 1; axis >= 0; --axis) {  // tensor axes, last = x
        const int a = d - 1 - axis;
        const int64_t p = rest % grid[axis];
        rest /= grid[axis];
        const double s = stride_of(input_size, grid, a);
        const double c = (double(p) + bx[d + a][cell]) * s;
        const double w = std::exp(double(bx[a][cell])) * s;
        b.lo[a] = c - w / 2;
        b.hi[a] = c + w / 2;
      }
      found.push_back(b);
    }
    out.push_back(class_aware_nms(std::move(found), options.nms_iou));
  }
  return out;
}

nlohmann::json evaluate_detection_boxes(const std::vector<std::vector<Box>>& predicted,
                                        const std::vector<std::vector<Box>>& truth,
                                        const std::vector<std::string>& class_names,
                                        int max_detections) {
  const int k = int(class_names.size());
  DetectionEvaluation e = evaluate_detections(predicted, truth, k, max_detections);
  FrocCurve f = froc(predicted, truth, FrocHit::Iou, 0.5);
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); };
  nlohmann::json per_class = nlohmann::json::array();
  double tp = 0, npred = 0, ngt = 0;
  for (int c = 0; c < k; ++c) {
    DetectionMatch m = match_detections(predicted, truth, c, 0.5, max_detections);
    ApResult ap = average_precision(m);
    nlohmann::json curve = {{"precision", nlohmann::json::array()},
                            {"recall", nlohmann::json::array()}};
    const size_t n = ap.precision.size(), step = std::max<size_t>(1, (n + 199) / 200);
    for (size_t i = 0; i < n; i += step) {
      const size_t j = std::min(n - 1, i + step - 1);  // keep the last point of each run
      curve["precision"].push_back(ap.precision[j]);
      curve["recall"].push_back(ap.recall[j]);
    }
    for (int t : m.tp) tp += t;
    npred += double(m.tp.size());
    ngt += double(m.n_ground_truth);
    per_class.push_back({{"class", class_names[c]}, {"ap50", number(e.ap50[c])},
                         {"ap50_95", number(e.ap50_95[c])},
                         {"precision50", number(e.precision50[c])},
                         {"recall50", number(e.recall50[c])},
                         {"n_ground_truth", m.n_ground_truth}, {"pr_curve", curve}});
  }
  nlohmann::json metrics = {{"map50", number(e.map50)}, {"map50_95", number(e.map50_95)},
                            {"froc", number(f.mean_sensitivity)},
                            {"precision50", number(npred > 0 ? tp / npred : NAN)},
                            {"recall50", number(ngt > 0 ? tp / ngt : NAN)}};
  nlohmann::json froc_json = {{"rates", std::vector<double>(kFrocRates.begin(), kFrocRates.end())},
                              {"sensitivity", f.sensitivity_at},
                              {"mean_sensitivity", number(f.mean_sensitivity)}};
  return {{"task", "detection"}, {"n", predicted.size()}, {"classes", class_names},
          {"metrics", metrics}, {"per_class", per_class}, {"froc", froc_json}};
}

DetectionTask::DetectionTask(DetectionOptions options) : options_(std::move(options)) {
  if (options_.class_names.empty()) throw DataError("detection", "needs at least one object class");
  if (options_.dims < 1 || options_.dims > 3)
    throw ConfigError("detection", "dims must be 1, 2 or 3");
}

at::Tensor DetectionTask::loss(const at::Tensor& output, const Batch& batch) const {
  const int64_t k = int64_t(options_.class_names.size());
  const int d = options_.dims;
  check_output(output, k, d);
  at::Tensor out = output.to(torch::kFloat);
  std::vector<std::vector<Box>> boxes = batch.boxes;
  boxes.resize(size_t(batch.size()));
  CenterNetTargets t =
      centernet_targets(boxes, batch.ids, k, spatial_of(batch.images), spatial_of(out));
  const auto dev = out.device();
  at::Tensor gt = t.heatmap.to(dev), logits = out.narrow(1, 0, k);
  at::Tensor p = torch::sigmoid(logits);
  at::Tensor pos = gt.eq(1).to(torch::kFloat);
  at::Tensor log_p = torch::log_sigmoid(logits), log_q = torch::log_sigmoid(-logits);
  at::Tensor focal = -(pos * (1 - p).pow(2) * log_p +
                       (1 - pos) * (1 - gt).pow(4) * p.pow(2) * log_q);
  at::Tensor loss = focal.sum() / pos.sum().clamp_min(1);
  at::Tensor mask = t.mask.to(dev).unsqueeze(1).to(torch::kFloat);  // [B, 1, g...]
  const at::Tensor n = mask.sum().clamp_min(1);
  at::Tensor size_l1 = ((out.narrow(1, k, d) - t.size.to(dev)).abs() * mask).sum() / n;
  at::Tensor offset_l1 = ((out.narrow(1, k + d, d) - t.offset.to(dev)).abs() * mask).sum() / n;
  return loss + options_.size_weight * size_l1 + options_.offset_weight * offset_l1;
}

void DetectionTask::reset() {
  ids_.clear();
  predicted_.clear();
  truth_.clear();
}

void DetectionTask::accumulate(const at::Tensor& output, const Batch& batch) {
  const int64_t k = int64_t(options_.class_names.size());
  auto found = decode_detections(output, k, spatial_of(batch.images), options_);
  for (int64_t i = 0; i < batch.size(); ++i) {
    ids_.push_back(batch.ids[i]);
    predicted_.push_back(found[i]);
    truth_.push_back(i < int64_t(batch.boxes.size()) ? batch.boxes[i] : std::vector<Box>{});
  }
}

std::map<std::string, double> DetectionTask::metrics() const {
  nlohmann::json e = evaluation();
  std::map<std::string, double> out;
  for (const char* k : {"map50", "map50_95", "froc"}) {
    const auto& v = e["metrics"][k];
    out[k] = v.is_number() ? v.get<double>() : 0.0;
  }
  return out;
}

nlohmann::json DetectionTask::evaluation() const {
  if (ids_.empty())
    return {{"task", "detection"}, {"n", 0}, {"classes", options_.class_names},
            {"metrics", {{"map50", 0.0}, {"map50_95", 0.0}, {"froc", 0.0}}}};
  nlohmann::json e =
      evaluate_detection_boxes(predicted_, truth_, options_.class_names, options_.max_detections);
  nlohmann::json cases = nlohmann::json::array();
  for (size_t i = 0; i < ids_.size(); ++i)
    cases.push_back({{"id", ids_[i]}, {"n_truth", truth_[i].size()},
                     {"n_predicted", predicted_[i].size()}});
  e["cases"] = cases;
  return e;
}

}  // namespace medcnn
