// ScaleIntensity (MONAI name): min-max rescaling of the image to [minv, maxv].
//
// Parameters
//   minv, maxv    target range (default 0, 1); minv < maxv not required
//   channel_wise  false (default): one min/max over all channels; true: per channel
// Ensures: image becomes float32 (x - min) / (max - min) * (maxv - minv) + minv.
// A constant image (max == min) becomes minv everywhere. Mask and boxes untouched.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class ScaleIntensity : public Transform {
 public:
  explicit ScaleIntensity(const Params& p);
  std::string name() const override { return "ScaleIntensity"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double minv_ = 0.0, maxv_ = 1.0;
  bool channel_wise_ = false;
};

}  // namespace medcnn
