// ScaleIntensityRangePercentiles (MONAI name): maps the [lower, upper]
// percentile range of the image linearly to [b_min, b_max].
//
// Parameters
//   lower, upper  percentiles in [0, 100], lower <= upper (default 0.5, 99.5)
//   b_min, b_max  target range (default 0, 1)
//   clip          false (default); true: clip the result to [b_min, b_max]
//   relative      false (default); true: as MONAI, the target range becomes
//                 [b_min + (b_max - b_min) * lower / 100,
//                  b_min + (b_max - b_min) * upper / 100]
//   channel_wise  false (default): percentiles over all channels; true: per channel
// Ensures: image becomes float32 (x - a_min) / (a_max - a_min) * (b_max - b_min)
// + b_min with a_min, a_max the numpy.percentile (linear) values; where
// a_max == a_min the result is x - a_min + b_min (MONAI). Mask and boxes untouched.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class ScaleIntensityRangePercentiles : public Transform {
 public:
  explicit ScaleIntensityRangePercentiles(const Params& p);
  std::string name() const override { return "ScaleIntensityRangePercentiles"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double lower_ = 0.5, upper_ = 99.5, b_min_ = 0.0, b_max_ = 1.0;
  bool clip_ = false, relative_ = false, channel_wise_ = false;
};

}  // namespace medcnn
