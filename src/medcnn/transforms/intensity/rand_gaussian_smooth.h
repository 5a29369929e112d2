// RandGaussianSmooth (MONAI name): Gaussian blur with a random sigma
// (GaussianSmooth's filter: scipy-compatible kernel and reflect borders).
//
// Parameters
//   sigma     number v (sigma ~ U(0, v)) or [lo, hi] (default [0.25, 1.5]), in pixels
//   per_axis  true (default): an independent sigma per spatial axis; false: one
//   prob      probability of applying (default 0.1)
// Ensures: when applied, image becomes float32 gaussian_smooth(x, sigma);
// otherwise unchanged. Any dimension.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandGaussianSmooth : public Transform {
 public:
  explicit RandGaussianSmooth(const Params& p);
  std::string name() const override { return "RandGaussianSmooth"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, lo_ = 0.25, hi_ = 1.5;
  bool per_axis_ = true;
};

}  // namespace medcnn
