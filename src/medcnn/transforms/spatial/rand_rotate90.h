// RandRotate90 (MONAI name): with probability prob, rotates the content by
// k * 90 degrees, k drawn uniformly from 1..max_k, in the plane of two
// spatial axes. No interpolation.
//
// Parameters
//   prob          chance of rotating (default 0.1)
//   max_k         largest number of quarter turns (default 3, >= 1)
//   spatial_axes  the two spatial axes of the plane in TENSOR order (default
//                 [0, 1]; negative counts from the end)
// Ensures: one quarter turn is torch::rot90(x, 1, axes) (flip the second
// axis, then swap the two); image, mask and boxes move together; spacing and
// direction columns travel with their axes and the origin moves so that
// every pixel keeps its physical position (a rotation of the pixel grid, not
// of the patient). Four turns give back the sample. The image keeps its
// pixel type. Draws one uniform (prob) and, if applied, one integer (k).
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandRotate90 : public Transform {
 public:
  explicit RandRotate90(const Params& p);
  std::string name() const override { return "RandRotate90"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1;
  int64_t max_k_ = 3;
  std::vector<int64_t> axes_{0, 1};
};

}  // namespace medcnn
