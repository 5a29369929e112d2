// RandMotion (TorchIO's RandomMotion): simulated patient motion in k-space.
//
// Parameters
//   degrees         rotations ~ U(-degrees, degrees) (2-D: one angle; 3-D:
//                   three, about z, y, x) (default 10)
//   translation     shifts ~ U(-t, t) pixels per spatial axis (default 10)
//   num_transforms  number of movements (default 2, >= 1)
//   prob            probability of applying (default 0.1)
// Algorithm (TorchIO): num_transforms sorted times t_i ~ U(0, 1); copies of
// the image moved rigidly about its centre (bilinear, zeros outside); the
// centred k-space (fftshift(fftn)) of the result is, along the last spatial
// axis, taken from the original on [0, t_1 N), from copy i on
// [t_i N, t_{i+1} N); the output is the real part of the inverse transform
// (TorchIO keeps the real part too, so signs survive). 2-D and 3-D.
// Ensures: when applied, image becomes float32 of the same shape; otherwise
// unchanged. Runs on the input's device (torch::fft).
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandMotion : public Transform {
 public:
  explicit RandMotion(const Params& p);
  std::string name() const override { return "RandMotion"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, degrees_ = 10.0, translation_ = 10.0;
  int64_t num_transforms_ = 2;
};

}  // namespace medcnn
