// ClipIntensityPercentiles (MONAI name): clips the image to its
// [lower, upper] percentile values (numpy.percentile, linear).
//
// Parameters
//   lower, upper  percentiles in [0, 100] (default 0.5, 99.5); null: no
//                 clipping on that side
//   channel_wise  false (default): percentiles over all channels; true: per channel
// Ensures: image becomes float32 clip(x, percentile(lower), percentile(upper));
// values are otherwise unchanged. Mask and boxes untouched.
#pragma once
#include <optional>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class ClipIntensityPercentiles : public Transform {
 public:
  explicit ClipIntensityPercentiles(const Params& p);
  std::string name() const override { return "ClipIntensityPercentiles"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::optional<double> lower_, upper_;
  bool channel_wise_ = false;
};

}  // namespace medcnn
