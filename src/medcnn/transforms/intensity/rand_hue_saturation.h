// RandHueSaturation: random hue shift and saturation scaling of an RGB image
// through HSV (skimage.color.rgb2hsv / hsv2rgb formulas, written in torch).
//
// Parameters
//   hue         number h (shift ~ U(-h, h)) or [lo, hi], in turns (1 = 360
//               degrees); hue is taken modulo 1 (default 0.05)
//   saturation  number s (factor ~ U(1 - s, 1 + s)) or [lo, hi] (default
//               [0.8, 1.2]); the scaled saturation is clipped to [0, 1]
//   prob        probability of applying (default 0.1)
// Requires: 3 channels in RGB order (DataError otherwise), values >= 0 (any
// scale: HSV's V is max(R, G, B), so [0, 1] and [0, 255] images both work
// and keep their scale). Ensures: when applied, image becomes float32;
// otherwise unchanged. Any dimension.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandHueSaturation : public Transform {
 public:
  explicit RandHueSaturation(const Params& p);
  std::string name() const override { return "RandHueSaturation"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, hue_lo_ = -0.05, hue_hi_ = 0.05, sat_lo_ = 0.8, sat_hi_ = 1.2;
};

}  // namespace medcnn
