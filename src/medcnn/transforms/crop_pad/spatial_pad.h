// SpatialPad (MONAI name): pads the sample to at least spatial_size.
//
// Parameters
//   spatial_size  required: one integer or one per spatial axis in TENSOR
//                 order; axes already that large (or values <= 0) are kept
//   method        "symmetric" (default: half before, the rest after) or "end"
//   mode          "constant" (the only mode)
//   value         pad value of the image (default 0); the mask gets 0
// Ensures: boxes shifted by the padding before them; origin moved so the
// original pixels keep their physical positions.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class SpatialPad : public Transform {
 public:
  explicit SpatialPad(const Params& p);
  std::string name() const override { return "SpatialPad"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> spatial_size_;
  bool symmetric_ = true;
  double value_ = 0.0;
};

}  // namespace medcnn
