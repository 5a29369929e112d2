// RandSpatialCrop (MONAI name): crops a region at a random position.
//
// Parameters
//   roi_size       required: one integer or one per spatial axis in TENSOR
//                  order; values <= 0 or larger than the image keep the whole axis
//   random_center  true (default): uniform random position; false: centred
//   random_size    false (default); true: each axis' size is drawn uniformly
//                  in [roi_size, max_roi_size]
//   max_roi_size   with random_size; default the image size
// Ensures: image and mask cropped alike; boxes clipped to the crop and
// dropped when nothing is left; origin updated so the kept pixels keep their
// physical positions (spacing and direction unchanged). Draws only from rng.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandSpatialCrop : public Transform {
 public:
  explicit RandSpatialCrop(const Params& p);
  std::string name() const override { return "RandSpatialCrop"; }
  bool is_spatial() const override { return true; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> roi_size_, max_roi_size_;
  bool random_center_ = true, random_size_ = false;
};

}  // namespace medcnn
