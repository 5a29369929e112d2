// ResizeWithPadOrCrop (MONAI name): brings the sample to spatial_size by
// padding the axes that are too small and cropping those too large, both
// centred. No interpolation.
//
// Parameters
//   spatial_size  required: one integer or one per spatial axis in TENSOR
//                 order; values <= 0 keep that axis
//   value         pad value of the image (default 0; the mask gets 0)
// Ensures: padding as SpatialPad "symmetric" (before = extra / 2, the rest
// after), cropping as CenterSpatialCrop (start = size / 2 - roi / 2), so
// pad-then-crop and MONAI agree; image, mask and boxes move together and
// pixels keep their physical positions (origin updated).
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class ResizeWithPadOrCrop : public Transform {
 public:
  explicit ResizeWithPadOrCrop(const Params& p);
  std::string name() const override { return "ResizeWithPadOrCrop"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> spatial_size_;
  double value_ = 0.0;
};

}  // namespace medcnn
