// SegmentationTask: a class label per pixel or voxel.
//
// Targets: Batch::masks [B, 1, spatial...] int64 (class indices 0..K-1, 0 =
// background; kIgnoreLabel, core/labels.h, marks voxels left out of the
// loss and of every metric, e.g. outside DRIVE's field of view). A batch
// without masks is a DataError. Output: logits [B, K, spatial...] on the
// mask's grid.
// Loss: any registered loss (default dice_ce) with ignore_label set.
// deep_loss: outputs[0] at full resolution and auxiliary outputs at 1/2,
// 1/4, ... (U-Net deep_supervision) against the mask resized by nearest
// neighbour; weights 1, 1/2, 1/4, ... normalised to sum 1 (nnU-Net).
// infer: sliding-window inference (infer/sliding_window.h) with
// options.inferer, so validation and prediction run on whole images of any
// size; the softmax is taken after blending the logits.
// Metrics (accumulate over whole cases): per case and class the overlap
// metrics of options.metrics (default dice, iou, sensitivity, specificity,
// accuracy; surface distances when listed, in voxel units unless the batch
// keeps its samples, then in mm); metrics() gives each one's mean over
// cases (and classes 1..K-1), "auc" (K = 2: pixel-wise ROC AUC of the
// foreground probability, voxels of every case pooled, as DRIVE papers
// report it) and global_<m> for dice/iou/sensitivity/specificity/accuracy
// from voxel counts pooled over the cases. default_monitor(): "dice".
// evaluation(): {"task", "classes", "cases": [{"id", per-case JSON of
// metrics/segmentation_evaluation.h}], "summary", "auc"}.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/infer/sliding_window.h"
#include "medcnn/losses/loss.h"
#include "medcnn/tasks/task.h"

namespace medcnn {

struct SegmentationOptions {
  std::vector<std::string> class_names;  // K names, background first
  nlohmann::json loss = {{"name", "dice_ce"}};
  std::vector<std::string> metrics = {"dice", "iou", "sensitivity", "specificity", "accuracy"};
  SlidingWindowOptions inferer;
};

class SegmentationTask : public Task {
 public:
  explicit SegmentationTask(SegmentationOptions options);
  std::string name() const override { return "segmentation"; }
  at::Tensor loss(const at::Tensor& output, const Batch& batch) const override;
  at::Tensor deep_loss(const std::vector<at::Tensor>& outputs, const Batch& batch) const override;
  at::Tensor infer(Network& net, const at::Tensor& images) const override;
  void reset() override;
  void accumulate(const at::Tensor& output, const Batch& batch) override;
  std::map<std::string, double> metrics() const override;
  nlohmann::json evaluation() const override;
  std::string default_monitor() const override { return "dice"; }
  const SegmentationOptions& options() const { return options_; }

 private:
  at::Tensor targets(const Batch& batch) const;

  SegmentationOptions options_;
  LossPtr loss_;
  std::vector<nlohmann::json> cases_;
  std::vector<int64_t> auc_labels_;   // pooled over cases (K == 2)
  std::vector<double> auc_scores_;
};

}  // namespace medcnn
