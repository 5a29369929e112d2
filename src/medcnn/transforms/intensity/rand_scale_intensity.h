// RandScaleIntensity (MONAI name): with probability prob, multiplies the
// image by (1 + f), f ~ U(factors).
//
// Parameters
//   factors       number v (f ~ U(-v, v)) or [lo, hi] (default 0.1)
//   prob          probability of applying (default 0.1)
//   channel_wise  false (default): one f; true: one f per channel
// Ensures: when applied, image becomes float32 x * (1 + f); otherwise the
// sample is unchanged. Draws: bernoulli(prob), then the factor(s).
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandScaleIntensity : public Transform {
 public:
  explicit RandScaleIntensity(const Params& p);
  std::string name() const override { return "RandScaleIntensity"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, lo_ = -0.1, hi_ = 0.1;
  bool channel_wise_ = false;
};

}  // namespace medcnn
