// LocalizationTask: one object per image, its class and its box:
// f(I) = (c, centre, size), the box as fractions of the image.
//
// Network: any registry classifier built with num_classes = K + 2 * dims
// outputs (localization_outputs()): K class logits, then the box
// parameters (centre x, y[, z], then size x, y[, z]), each through a
// sigmoid to a fraction of the image's extent along that axis.
// Targets: Batch::labels (the object's class) and Batch::boxes (exactly one
// box per case, Box convention; a case with none or several is a DataError
// naming it).
// Loss: cross-entropy on the logits (only when K >= 2) + box_weight *
// smooth-L1 (beta 1/9, summed over the box parameters, mean over the batch)
// + giou_weight * (1 - GIoU) (Rezatofighi et al. 2019, on the normalised
// boxes). Metrics (higher is better): "accuracy", the share of cases with
// IoU >= 0.5 (and, for K >= 2, the right class; the survey's localization
// accuracy), "mean_iou", "class_accuracy" (K >= 2). evaluation() adds the
// centroid error in pixels and millimetres (the sample's spacing, when the
// loader keeps samples) and per-case rows. default_monitor(): "mean_iou".
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/tasks/task.h"

namespace medcnn {

struct LocalizationOptions {
  std::vector<std::string> class_names;  // K >= 1 names
  int dims = 2;
  double box_weight = 5.0;
  double giou_weight = 2.0;
};

int64_t localization_outputs(int64_t num_classes, int dims);

// The class probabilities and the box of each case from the network's
// output [B, K + 2 dims] for images of `size` (spatial extents, tensor
// order): boxes in pixel coordinates, label = argmax class (0 when K = 1),
// score = that class's probability.
std::vector<Box> decode_localization(const at::Tensor& output, int64_t num_classes,
                                     const std::vector<int64_t>& size,
                                     std::vector<std::vector<double>>* probabilities = nullptr);

class LocalizationTask : public Task {
 public:
  explicit LocalizationTask(LocalizationOptions options);
  std::string name() const override { return "localization"; }
  at::Tensor loss(const at::Tensor& output, const Batch& batch) const override;
  void reset() override;
  void accumulate(const at::Tensor& output, const Batch& batch) override;
  std::map<std::string, double> metrics() const override;
  nlohmann::json evaluation() const override;
  std::string default_monitor() const override { return "mean_iou"; }

 private:
  // The target box parameters [B, 2 dims] (fractions) of a batch.
  at::Tensor targets(const Batch& batch, const std::vector<int64_t>& size) const;

  LocalizationOptions options_;
  std::vector<std::string> ids_;
  std::vector<Box> predicted_, truth_;
  std::vector<int64_t> labels_;
  std::vector<std::array<double, 3>> spacing_;
};

}  // namespace medcnn
