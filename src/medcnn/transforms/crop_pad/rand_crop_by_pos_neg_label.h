// RandCropByPosNegLabel (MONAI name; nnU-Net's foreground oversampling):
// crops a patch of spatial_size centred, with probability pos / (pos + neg),
// on a random foreground voxel of the mask (mask > 0), and otherwise on a
// random voxel.
//
// Parameters
//   spatial_size  required: one integer or one per spatial axis in TENSOR
//                 order (values <= 0 keep the image's size on that axis)
//   pos, neg      non-negative weights, pos + neg > 0 (default 1 and 1)
//   negative      "any" (default: a uniformly random voxel, as nnU-Net) or
//                 "background" (a random voxel with mask 0, as MONAI;
//                 ignored voxels, mask < 0, are never picked)
//   value         image value for padding (default 0; the mask gets 0)
//
// Requires: the sample has a mask (DataError naming the sample otherwise).
// Ensures:
//  - An axis shorter than the patch is first padded symmetrically (half
//    before, the rest after) to the patch size, so every output has exactly
//    spatial_size.
//  - The chosen centre voxel c gives start = c - size / 2, clamped into
//    [0, shape - size] so the patch stays inside the (padded) image: the
//    centre voxel is always inside the patch, and at its centre
//    (index size / 2) unless it lies closer than half a patch to a border.
//  - Image, mask and boxes are cropped together (spatial_ops::crop: boxes
//    clipped, dropped when nothing is left; origin moved so kept pixels keep
//    their physical positions).
//  - A mask without foreground (or without background, for
//    negative = "background") falls back to a random voxel.
//  - Draws only from rng: one bernoulli, then the voxel.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandCropByPosNegLabel : public Transform {
 public:
  explicit RandCropByPosNegLabel(const Params& p);
  std::string name() const override { return "RandCropByPosNegLabel"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> spatial_size_;
  double pos_ = 1.0, neg_ = 1.0, value_ = 0.0;
  bool negative_background_ = false;
};

}  // namespace medcnn
