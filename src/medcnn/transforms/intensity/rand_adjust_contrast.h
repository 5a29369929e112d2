// RandAdjustContrast (MONAI name): random gamma correction.
//
// Parameters
//   gamma         number g > 0.5 (gamma ~ U(0.5, g), MONAI) or [lo, hi] with
//                 lo > 0 (default [0.5, 4.5])
//   prob          probability of applying (default 0.1)
//   invert_image  false (default); true: applied to -x and negated back
//                 (nnU-Net's inverted gamma)
//   retain_stats  false (default); true: the result is shifted and scaled to
//                 the input's mean and std (unbiased std, as MONAI / torch)
// Ensures: when applied, image becomes float32
//   ((x - min) / (max - min + 1e-7))^gamma * (max - min) + min
// (MONAI's AdjustContrast), over all channels together; otherwise unchanged.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandAdjustContrast : public Transform {
 public:
  explicit RandAdjustContrast(const Params& p);
  std::string name() const override { return "RandAdjustContrast"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, lo_ = 0.5, hi_ = 4.5;
  bool invert_image_ = false, retain_stats_ = false;
};

}  // namespace medcnn
