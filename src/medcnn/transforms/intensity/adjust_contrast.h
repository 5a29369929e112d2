// AdjustContrast (MONAI name): gamma correction with a fixed gamma, a
// preprocessing step (the DRIVE peer's gamma 1.2 after CLAHE).
//
// Parameters
//   gamma         number > 0 (required)
//   invert_image  false (default); true: applied to -x and negated back
//   retain_stats  false (default); true: the result is shifted and scaled to
//                 the input's mean and std (unbiased std, as MONAI / torch)
// Ensures: image becomes float32
//   ((x - min) / (max - min + 1e-7))^gamma * (max - min) + min
// (MONAI's AdjustContrast), over all channels together; min and max are
// kept. Deterministic, so the loader's cache keeps its result. Mask and
// boxes untouched. Any dimension.
#pragma once
#include <ATen/core/Tensor.h>

#include "medcnn/transforms/transform.h"

namespace medcnn {

// The formula above on a float32 tensor (modified in place and returned);
// shared with RandAdjustContrast.
at::Tensor adjust_contrast(at::Tensor x, double gamma, bool invert_image, bool retain_stats);

class AdjustContrast : public Transform {
 public:
  explicit AdjustContrast(const Params& p);
  std::string name() const override { return "AdjustContrast"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double gamma_ = 1.0;
  bool invert_image_ = false, retain_stats_ = false;
};

}  // namespace medcnn
