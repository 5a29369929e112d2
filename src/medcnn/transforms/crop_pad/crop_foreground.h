// CropForeground (MONAI name): crops the sample to the bounding box of its
// foreground, with a margin, optionally grown to a multiple of k_divisible.
//
// Parameters
//   source       "image" (default): foreground = pixels where any channel is
//                > threshold; "mask": the non-zero pixels of the mask
//   threshold    for source "image" (default 0, MONAI's select_fn x > 0)
//   margin       pixels added on each side, one integer or one per spatial
//                axis in TENSOR order (default 0); clipped to the image
//   k_divisible  one integer or one per axis (default 1): the box grows
//                about its centre to the next multiple (MONAI's rule:
//                start -= floor(extra / 2)); parts beyond the image are
//                padded with `value`
//   value        pad value of the image for k_divisible (default 0; the mask gets 0)
// Ensures: image, mask and boxes cropped (and padded) together through the
// spatial_ops helpers, so pixels keep their physical positions (origin
// updated); boxes clipped, empty ones dropped. No foreground: the sample is
// left unchanged.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class CropForeground : public Transform {
 public:
  explicit CropForeground(const Params& p);
  std::string name() const override { return "CropForeground"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // The [start, end) box (tensor order) apply() crops to, before any padding
  // (may reach outside the image when k_divisible needs it); empty when the
  // sample has no foreground.
  std::pair<std::vector<int64_t>, std::vector<int64_t>> box(const Sample& sample) const;

 private:
  bool from_mask_ = false;
  double threshold_ = 0.0, value_ = 0.0;
  std::vector<int64_t> margin_{0}, k_divisible_{1};
};

}  // namespace medcnn
