// RandBrightness: multiplicative brightness, as nnU-Net's
// BrightnessMultiplicativeTransform.
//
// Parameters
//   multiplier_range  [lo, hi] (default [0.75, 1.25])
//   per_channel       true (default): one multiplier per channel
//   prob              probability of applying (default 0.15)
// Ensures: when applied, image becomes float32 x * m, m ~ U(lo, hi);
// otherwise unchanged.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandBrightness : public Transform {
 public:
  explicit RandBrightness(const Params& p);
  std::string name() const override { return "RandBrightness"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.15, lo_ = 0.75, hi_ = 1.25;
  bool per_channel_ = true;
};

}  // namespace medcnn
