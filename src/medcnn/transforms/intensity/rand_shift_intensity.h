// RandShiftIntensity (MONAI name): with probability prob, adds an offset
// o ~ U(offsets) to the image.
//
// Parameters
//   offsets       number v (o ~ U(-v, v)) or [lo, hi] (default 0.1)
//   prob          probability of applying (default 0.1)
//   channel_wise  false (default): one offset; true: one per channel
// Ensures: when applied, image becomes float32 x + o; otherwise unchanged.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandShiftIntensity : public Transform {
 public:
  explicit RandShiftIntensity(const Params& p);
  std::string name() const override { return "RandShiftIntensity"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, lo_ = -0.1, hi_ = 0.1;
  bool channel_wise_ = false;
};

}  // namespace medcnn
