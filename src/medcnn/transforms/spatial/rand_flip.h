// RandFlip (MONAI name): with probability prob, mirrors the listed axes.
//
// Parameters
//   prob          chance of flipping (default 0.1); one draw per sample
//   spatial_axis  integer or list of spatial axes in TENSOR order ([D,] H, W;
//                 negative counts from the end); absent = every axis
// Ensures: image, mask and boxes are flipped together (a box [lo, hi) on an
// axis of n pixels becomes [n - hi, n - lo)). Geometry: origin moves to the
// far corner and the flipped axes' direction columns are negated, so every
// pixel keeps its physical position; flipping twice restores the sample.
// Draws exactly one uniform number from rng.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandFlip : public Transform {
 public:
  explicit RandFlip(const Params& p);
  std::string name() const override { return "RandFlip"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1;
  std::vector<int64_t> axes_;  // empty: all
};

}  // namespace medcnn
