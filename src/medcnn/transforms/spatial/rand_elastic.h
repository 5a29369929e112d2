// RandElastic: nnU-Net / batchgenerators style elastic deformation (MONAI's
// Rand2DElastic / Rand3DElastic in one class, for 2-D and 3-D), optionally
// composed with a random affine map, resampled ONCE with grid_sample.
//
// Parameters
//   prob             chance of transforming (default 0.1); one draw per sample
//   sigma_range      required: [lo, hi] (or one number) in pixels; the
//                    Gaussian that smooths the random offsets has a standard
//                    deviation drawn from it (same on every axis)
//   magnitude_range  required: [lo, hi] (or one number), "alpha": the
//                    smoothed offsets are multiplied by a value drawn from it
//   rotate_range, shear_range, scale_range, translate_range
//                    optional affine part, exactly as in RandAffine (default
//                    identity), composed with the displacement as nnU-Net's
//                    SpatialTransform does
//   mode             image interpolation "bilinear" (default) or "nearest";
//                    the mask always uses nearest
//   padding_mode     "zeros" (default), "border" or "reflection"
//
// Ensures
//  - displacement d (pixels, tensor order) = alpha * G_sigma * u, u uniform
//    in [-1, 1) independently per axis and pixel, G_sigma a Gaussian filter
//    truncated at 4 sigma with zeros outside (scipy.ndimage.gaussian_filter,
//    mode "constant", as batchgenerators); output pixel p samples the input
//    at F^-1(p + d(p)) where F is the RandAffine forward map (identity when
//    no affine range is given). One interpolation in total.
//  - speed: for sigma >= 4.5 px the smooth field is built on a coarse grid
//    (node spacing k = min(4, floor(sigma / 2.25)) px, nodes on the first and
//    last pixel of each axis), u drawn per node, smoothed there with
//    sigma / spacing (same truncation, zeros outside), scaled by
//    sqrt(sum g_sigma^2 / sum g_(sigma/spacing)^2) per axis so the
//    displacement has the same variance as the full-resolution field, then
//    (bi/tri)linearly upsampled (align_corners = true). The displacement is
//    a smooth random field of the same scale and smoothness either way;
//    nnU-Net/batchgenerators smooth at full resolution with scipy, MONAI's
//    Rand2DElastic/Rand3DElastic build the field on a coarse control grid
//    (spacing) and upsample it. Not bit-identical to the full-resolution
//    draw for a given seed. sigma < 4.5 px: full resolution as above.
//  - alpha = 0 and no affine part: the sample is returned unchanged (up to
//    float32 conversion of the image).
//  - mask with nearest (label set kept), boxes: each box is rasterised,
//    warped with the same field (linear) and replaced by the bounding box of
//    the region >= 0.5; boxes left empty are dropped. Geometry kept.
//  - randomness: one uniform (prob); if applied: sigma, alpha, one 64-bit
//    seed for the offsets (drawn on the CPU with a torch generator seeded
//    from it, then moved to the image's device, so CPU and CUDA agree),
//    then the affine draws as in RandAffine.
#pragma once
#include <cstdint>
#include <utility>

#include "medcnn/transforms/spatial/rand_affine.h"
#include "medcnn/transforms/spatial/resample_ops.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct ElasticDraw {
  bool applied = false;
  double sigma = 0.0, magnitude = 0.0;
  uint64_t seed = 0;
  spatial_ops::Matrix forward;  // the affine part (identity when none)
};

class RandElastic : public Transform {
 public:
  explicit RandElastic(const Params& p);
  std::string name() const override { return "RandElastic"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // What apply() draws for an image of spatial `shape` from this rng state.
  ElasticDraw draw(const std::vector<int64_t>& shape, Rng& rng) const;
  // The coordinate field (input index per output pixel, [dims, shape...],
  // float64 on like's device) of a draw.
  static at::Tensor field(const ElasticDraw& d, const std::vector<int64_t>& shape,
                          const at::Tensor& like);

 private:
  double prob_ = 0.1;
  std::pair<double, double> sigma_{0, 0}, magnitude_{0, 0};
  AffineRanges ranges_;
  bool nearest_ = false;
  spatial_ops::Padding padding_ = spatial_ops::Padding::Zeros;
};

}  // namespace medcnn
