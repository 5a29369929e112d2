// RandAffine (MONAI name): with probability prob, one random affine map
// (rotation, shear, scaling, translation) composed into ONE matrix and
// resampled ONCE with torch grid_sample.
//
// Parameters (all ranges are of the FORWARD map applied to the content;
// axes in TENSOR order [D,] H, W)
//   prob             chance of transforming (default 0.1); one draw per sample
//   rotate_range     radians. A number r: every angle in [-r, r]; a list of
//                    numbers (one, or one per angle): [-r_k, r_k]; a list of
//                    [lo, hi] pairs. 2-D: one angle (positive turns the
//                    content counter-clockwise as displayed, row 0 on top);
//                    3-D: three angles about tensor axes 0 (D), 1 (H), 2 (W),
//                    applied as R = R0 R1 R2. Default 0.
//   shear_range      shear coefficients, same forms; 2-D two (s01, s10),
//                    3-D six (s01, s02, s10, s12, s20, s21): coordinate a
//                    gains s_ab * coordinate b. Default 0.
//   scale_range      scale FACTORS (> 1 enlarges the content): [lo, hi] one
//                    factor for every axis (isotropic, as nnU-Net); a list
//                    of [lo, hi] pairs, one per axis (independent); a number
//                    r means [1 - r, 1 + r]. Default [1, 1].
//   translate_range  pixels, per axis, same forms as rotate_range. Default 0.
//   mode             image interpolation "bilinear" (default; trilinear in
//                    3-D) or "nearest"; the mask always uses nearest
//   padding_mode     "zeros" (default), "border" or "reflection"
//
// Ensures
//  - forward map on pixel-centre indices q (tensor order), about the image
//    centre c = (n - 1) / 2:
//      F(q) = R * Sh * S * (q - c) + c + t   (scale, then shear, rotation,
//                                             translation),
//    and every output pixel p takes the input value at F^-1(p)
//    (grid_sample, align_corners = false, which is pixel-centre consistent).
//    The output has the input's size.
//  - image resampled bilinearly (float32 result, float64 stays) or nearest
//    (pixel type kept); the mask with nearest (label set and dtype kept);
//    the same padding for both.
//  - boxes: the 4 (2-D) or 8 (3-D) corners are mapped with F, the box
//    becomes their bounding box clipped to the image; boxes left empty are
//    dropped.
//  - geometry kept (augmentation on the pixel grid).
//  - randomness: draw() shows exactly what apply() does with the same rng
//    state; draws: one uniform (prob), then, if applied, the angles, shears,
//    scale factor(s) and translations in that order (always drawn, even
//    from a zero-width range).
//  - CUDA tensors stay on their device.
#pragma once
#include <utility>
#include <vector>

#include "medcnn/transforms/spatial/resample_ops.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

// Random ranges of an affine map; parsed once from the parameters above,
// resolved against the image's dimensionality when drawn. Shared with
// RandElastic (which composes an affine with its displacement field).
class AffineRanges {
 public:
  AffineRanges() = default;
  // Reads rotate_range, shear_range, scale_range, translate_range.
  AffineRanges(const Params& p, const std::string& transform);
  // Draws the forward matrix F (input index -> output index, tensor order,
  // (dims+1)^2 row-major) for an image of spatial `shape`.
  spatial_ops::Matrix draw_forward(const std::vector<int64_t>& shape, Rng& rng) const;
  static const std::vector<std::string>& keys();

  // The forward matrix for given parameters (tensor order; angles: 1 in
  // 2-D, 3 in 3-D; shears: 2 or 6; scales and translations: one per axis).
  static spatial_ops::Matrix compose(const std::vector<int64_t>& shape,
                                     const std::vector<double>& angles,
                                     const std::vector<double>& shears,
                                     const std::vector<double>& scales,
                                     const std::vector<double>& translations);

 private:
  struct Range {
    std::vector<std::pair<double, double>> items;  // one, or one per slot
    std::vector<std::pair<double, double>> resolve(size_t count, const std::string& where) const;
  };
  std::string transform_;
  Range rotate_, shear_, scale_, translate_;
};

// One draw of RandAffine: applied or not, and the maps it uses.
struct AffineDraw {
  bool applied = false;
  spatial_ops::Matrix forward;   // input index -> output index (tensor order)
  spatial_ops::Matrix backward;  // output index -> input index: what
                                 // scipy.ndimage.affine_transform takes
};

class RandAffine : public Transform {
 public:
  explicit RandAffine(const Params& p);
  std::string name() const override { return "RandAffine"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // What apply() would draw for an image of spatial `shape` from this rng
  // state (apply() calls exactly this).
  AffineDraw draw(const std::vector<int64_t>& shape, Rng& rng) const;
  // Applies a given forward matrix (as apply() does after drawing).
  void apply_matrix(Sample& sample, const spatial_ops::Matrix& forward) const;

 private:
  double prob_ = 0.1;
  AffineRanges ranges_;
  bool nearest_ = false;
  spatial_ops::Padding padding_ = spatial_ops::Padding::Zeros;
};

}  // namespace medcnn
