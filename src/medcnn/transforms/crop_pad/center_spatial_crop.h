// CenterSpatialCrop (MONAI name): crops the central region of roi_size.
//
// Parameters
//   roi_size  required: one integer or one per spatial axis in TENSOR order;
//             values <= 0 or larger than the image keep the whole axis
// Ensures: start = size / 2 - roi / 2 per axis (MONAI's rule); image, mask
// and boxes cropped together (boxes clipped, dropped if empty); origin
// updated so kept pixels keep their physical positions.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class CenterSpatialCrop : public Transform {
 public:
  explicit CenterSpatialCrop(const Params& p);
  std::string name() const override { return "CenterSpatialCrop"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> roi_size_;
};

}  // namespace medcnn
