// DetectionTask: every object in an image, each with its class and box:
// D(I) = {(c_i, box_i)}, as a CenterNet-style centre heatmap (Zhou et al.
// 2019, "Objects as points"), 1-D, 2-D or 3-D.
//
// Network output [B, K + 2d, g_1, ..., g_d] on a grid coarser than the
// input by the stride s_a = input extent / grid extent per axis (centernet:
// 4; any network whose output is such a map works, a U-Net gives s = 1):
//   channels 0..K-1        centre-heatmap logits, one per class;
//   channels K..K+d-1      log of the box size in grid cells, x, y[, z];
//   channels K+d..K+2d-1   the centre's offset within its cell, x, y[, z].
// (Channel order is tensor-independent: x is the last tensor axis.)
//
// Targets (centernet_targets), from Batch::boxes (Box convention, label a
// class index in [0, K); a box with another label is a DataError naming
// the case): for box b with centre c_a = (lo_a + hi_a) / 2 / s_a and size
// w_a = (hi_a - lo_a) / s_a in cells, its cell p_a = clamp(floor(c_a), 0,
// g_a - 1); heatmap[label] = max over the class's boxes of
// exp(-sum_a (q_a - p_a)^2 / (2 sigma_a^2)) over cells q, with
// sigma_a = max(alpha * w_a / 6, 0.1), alpha = 0.54 (TTFNet's elliptical
// Gaussian, Liu et al. 2020: the same in every dimension), so the peak cell
// is exactly 1; at p: log size log(max(w_a, 1e-3)) and offset c_a - p_a.
// When two boxes share a cell the later one's size and offset are kept.
//
// Loss: focal (CornerNet's penalty-reduced focal loss, alpha 2, beta 4) on
// the heatmap, summed over every cell and divided by max(1, number of cells
// where the target is 1), + size_weight * L1 on the log sizes + offset_weight
// * L1 on the offsets, both summed over the axes at the object cells and
// averaged over those cells (boxes sharing a cell count once; 0 when a batch
// holds no object). The focal loss uses log-sigmoid, no clamping of p.
//
// Decoding (decode_detections): heat = sigmoid(logits); a peak is a cell
// equal to the maximum of its 3^d neighbourhood (max pooling, the paper's
// NMS); the max_detections highest peaks over classes with heat >=
// score_threshold become boxes: centre (p_a + offset_a) * s_a, size
// exp(log size_a) * s_a, label the class, score the heat; then class-aware
// non-maximum suppression (nms_iou > 0: a box overlapping a higher-scored
// box of the same class with IoU > nms_iou is dropped). Boxes are in the
// input's pixel coordinates, sorted by score.
//
// Metrics (higher is better): "map50", "map50_95" (COCO 101-point AP,
// metrics/detection.h), "froc" (the mean sensitivity at 1/8..8 false
// positives per image, every class pooled, hit = IoU >= 0.5); evaluation()
// adds per-class AP, precision, recall, the FROC points and the per-image
// boxes. default_monitor(): "map50".
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/tasks/task.h"

namespace medcnn {

struct DetectionOptions {
  std::vector<std::string> class_names;  // K >= 1
  int dims = 2;
  double size_weight = 1.0;
  double offset_weight = 1.0;
  double score_threshold = 0.01;  // decoding for evaluation (predict uses its own)
  double nms_iou = 0.5;           // 0: no box suppression beyond the peak pooling
  int max_detections = 100;
  static DetectionOptions from_json(const nlohmann::json& j, std::vector<std::string> classes,
                                    int dims);
  nlohmann::json to_json() const;
};

int64_t detection_outputs(int64_t num_classes, int dims);

struct CenterNetTargets {
  at::Tensor heatmap;  // [B, K, g...] float
  at::Tensor size;     // [B, d, g...] log sizes at the object cells (0 elsewhere)
  at::Tensor offset;   // [B, d, g...]
  at::Tensor mask;     // [B, g...] bool: the object cells
};
// The targets for `boxes` (per case) of inputs of spatial `input_size` on an
// output grid of `grid_size` (both tensor order).
CenterNetTargets centernet_targets(const std::vector<std::vector<Box>>& boxes,
                                   const std::vector<std::string>& ids, int64_t num_classes,
                                   const std::vector<int64_t>& input_size,
                                   const std::vector<int64_t>& grid_size);

// Per case, its boxes decoded from output [B, K + 2d, g...].
std::vector<std::vector<Box>> decode_detections(const at::Tensor& output, int64_t num_classes,
                                                const std::vector<int64_t>& input_size,
                                                const DetectionOptions& options);

// Class-aware non-maximum suppression: boxes sorted by score (stable),
// each dropped when it overlaps a kept box of its class with IoU > iou;
// iou <= 0 only sorts (suppression off, as nms_iou = 0).
std::vector<Box> class_aware_nms(std::vector<Box> boxes, double iou);

// The evaluation JSON of predicted against reference boxes (per image):
// {"task": "detection", "n", "classes", "metrics": {map50, map50_95, froc,
// precision50, recall50}, "per_class": [{class, ap50, ap50_95, precision50,
// recall50, n_ground_truth, pr_curve: {precision, recall} (at most 200
// points)}], "froc": {fp_per_image, sensitivity at the standard rates}}.
nlohmann::json evaluate_detection_boxes(const std::vector<std::vector<Box>>& predicted,
                                        const std::vector<std::vector<Box>>& truth,
                                        const std::vector<std::string>& class_names,
                                        int max_detections = 100);

class DetectionTask : public Task {
 public:
  explicit DetectionTask(DetectionOptions options);
  std::string name() const override { return "detection"; }
  at::Tensor loss(const at::Tensor& output, const Batch& batch) const override;
  void reset() override;
  void accumulate(const at::Tensor& output, const Batch& batch) override;
  std::map<std::string, double> metrics() const override;
  nlohmann::json evaluation() const override;
  std::string default_monitor() const override { return "map50"; }

 private:
  DetectionOptions options_;
  std::vector<std::string> ids_;
  std::vector<std::vector<Box>> predicted_, truth_;
};

}  // namespace medcnn
