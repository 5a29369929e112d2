// RandSimulateLowResolution (MONAI name; nnU-Net's
// SimulateLowResolutionTransform): downsample with nearest neighbour by a
// random zoom, then upsample back to the original shape.
//
// Parameters
//   zoom_range   [lo, hi] in (0, 1] (default [0.5, 1.0]); the low-resolution
//                shape is round(shape * zoom), at least 1
//   upsample     "cubic" (default) or "linear": cubic is bicubic on 2-D;
//                torch has no tricubic, so 3-D (and 1-D) use (tri)linear
//   per_channel  false (default): one zoom for all channels; true: one per channel
//   prob         probability of applying (default 0.125)
// Ensures: when applied, image becomes float32 of the same shape
// (align_corners = false interpolation); otherwise unchanged.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandSimulateLowResolution : public Transform {
 public:
  explicit RandSimulateLowResolution(const Params& p);
  std::string name() const override { return "RandSimulateLowResolution"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.125, lo_ = 0.5, hi_ = 1.0;
  bool per_channel_ = false;
  std::string upsample_ = "cubic";
};

}  // namespace medcnn
