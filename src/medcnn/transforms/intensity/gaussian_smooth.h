// GaussianSmooth (MONAI name): separable Gaussian filter.
//
// Parameters
//   sigma  number (every spatial axis) or one per spatial axis in tensor
//          order (z, y, x for 3-D; y, x for 2-D), in pixels (default 1.0);
//          0 leaves that axis alone
// Ensures: image becomes float32, each channel filtered as
// scipy.ndimage.gaussian_filter(x, sigma, mode="reflect", truncate=4.0):
// kernel radius round(4 sigma), normalised to sum 1, borders mirrored with
// the edge pixel repeated (d c b a | a b c d | d c b a). Mask and boxes
// untouched. Any dimension; runs on the input's device.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

// The filter itself, shared with RandGaussianSmooth: x is [C, spatial...],
// sigma has one value per spatial axis (tensor order). Returns float32.
at::Tensor gaussian_smooth(const at::Tensor& x, const std::vector<double>& sigma);
// Normalised 1-D kernel of radius round(4 sigma) (scipy's), float64 on CPU.
at::Tensor gaussian_kernel1d(double sigma);

class GaussianSmooth : public Transform {
 public:
  explicit GaussianSmooth(const Params& p);
  std::string name() const override { return "GaussianSmooth"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<double> sigma_;
};

}  // namespace medcnn
