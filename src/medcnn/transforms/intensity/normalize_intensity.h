// NormalizeIntensity (MONAI name): z-score normalisation of the image.
//
// Parameters
//   subtrahend    number or list (one per channel): subtracted instead of the mean
//   divisor       number or list (one per channel): divides instead of the std
//   nonzero       false: use every pixel; true: statistics over, and change
//                 of, the non-zero pixels only (zeros stay 0)
//   channel_wise  true: statistics per channel; false: over all channels
//   use_mask      false (default); true: mean and std are taken over the
//                 sample's foreground (mask > 0, any mask channel; with
//                 nonzero also x != 0) and applied to every pixel (with
//                 nonzero: to the non-zero pixels). DataError if the sample
//                 has no mask, GeometryError if its shape differs.
// Ensures: image becomes float32 (x - mean) / std with the population std
// (ddof 0, as numpy.std); a std of 0 is replaced by 1. Mask and boxes untouched.
#pragma once
#include <optional>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class NormalizeIntensity : public Transform {
 public:
  explicit NormalizeIntensity(const Params& p);
  std::string name() const override { return "NormalizeIntensity"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<double> subtrahend_, divisor_;  // empty: from the data
  bool nonzero_ = false, channel_wise_ = true, use_mask_ = false;
};

}  // namespace medcnn
