// RandResizedCrop (torchvision name): crops a random region of random area
// and aspect ratio, then resizes it to a fixed size. 2-D only.
//
// Parameters
//   size   required: output size, one integer or [H, W] (tensor order)
//   scale  [lo, hi] fraction of the image area (default [0.08, 1.0])
//   ratio  [lo, hi] aspect ratio width / height (default [3/4, 4/3]),
//          drawn log-uniformly
//   prob   chance of cropping (default 1.0); otherwise the whole image is
//          resized to size (so every output has the same size)
//   mode   image interpolation "linear" (default) or "nearest"; the mask
//          always uses nearest
// Ensures: torchvision's RandomResizedCrop.get_params: up to 10 attempts of
// area = H W uniform(scale), aspect = exp(uniform(log ratio)), w =
// round(sqrt(area aspect)), h = round(sqrt(area / aspect)), accepted if
// 0 < w <= W and 0 < h <= H, at top-left (uniform int in [0, H - h],
// [0, W - w]); otherwise the central crop with the ratio clamped to the
// range. Then spatial_ops::crop and spatial_ops::resize (see Resize): image,
// mask and boxes move together (boxes clipped to the crop, dropped if empty,
// then scaled); geometry keeps every kept pixel's physical position.
// Draws only from rng (one uniform for prob, then 2 uniforms per attempt
// and 2 integers for the accepted one).
#pragma once
#include <array>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandResizedCrop : public Transform {
 public:
  explicit RandResizedCrop(const Params& p);
  std::string name() const override { return "RandResizedCrop"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // The crop {top, left, height, width} drawn for an H x W image (after the
  // prob draw, which apply() makes first).
  std::array<int64_t, 4> crop_params(int64_t height, int64_t width, Rng& rng) const;

 private:
  std::vector<int64_t> size_;
  double scale_lo_ = 0.08, scale_hi_ = 1.0, ratio_lo_ = 3.0 / 4.0, ratio_hi_ = 4.0 / 3.0;
  double prob_ = 1.0;
  bool nearest_ = false;
};

}  // namespace medcnn
