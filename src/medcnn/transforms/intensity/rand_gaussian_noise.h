// RandGaussianNoise (MONAI name): additive Gaussian noise.
//
// Parameters
//   mean        noise mean (default 0)
//   std         noise standard deviation (default 0.1)
//   sample_std  true (default, MONAI): the std is drawn U(0, std) each time
//   prob        probability of applying (default 0.1)
// Ensures: when applied, image becomes float32 x + N(mean, s) per pixel;
// otherwise unchanged. The noise is drawn on the CPU from a generator seeded
// by rng (so CPU and CUDA inputs get the same noise) and moved to the device.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandGaussianNoise : public Transform {
 public:
  explicit RandGaussianNoise(const Params& p);
  std::string name() const override { return "RandGaussianNoise"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, mean_ = 0.0, std_ = 0.1;
  bool sample_std_ = true;
};

}  // namespace medcnn
