// RandContrast: multiplicative contrast around the mean, as nnU-Net's
// ContrastAugmentationTransform (batchgenerators augment_contrast).
//
// Parameters
//   contrast_range  [lo, hi] (default [0.75, 1.25])
//   preserve_range  true (default): the result is clipped to the channel's
//                   input [min, max]
//   per_channel     true (default): one factor per channel
//   prob            probability of applying (default 0.15)
// Factor: for a range around 1 (lo < 1 < hi), with probability 0.5
// f ~ U(lo, 1), otherwise f ~ U(1, hi) (batchgenerators); a range on one
// side of 1 gives f ~ U(lo, hi). Ensures: when applied, image
// becomes float32 (x - mean) * f + mean; otherwise unchanged.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandContrast : public Transform {
 public:
  explicit RandContrast(const Params& p);
  std::string name() const override { return "RandContrast"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.15, lo_ = 0.75, hi_ = 1.25;
  bool preserve_range_ = true, per_channel_ = true;
};

}  // namespace medcnn
