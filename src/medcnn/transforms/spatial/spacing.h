// Spacing (MONAI name): resamples the sample to a target pixel spacing.
//
// Parameters
//   pixdim  required: target spacing in mm, one number for every axis or one
//           per axis in PHYSICAL x, y, z order (as Geometry.spacing and the
//           NIfTI pixdim, NOT tensor order); values <= 0 keep that axis'
//           spacing; extra values (a z for a 2-D image) are ignored
//   mode    image interpolation: "linear" (default; bilinear / trilinear),
//           "bspline" (cubic B-spline interpolation: exact spline
//           prefilter with mirror boundaries, as
//           itk::BSplineInterpolateImageFunction order 3 and
//           scipy.ndimage order 3 mode "mirror"), or "nearest"
// Ensures
//  - new size per axis = max(1, round(n * old_spacing / new_spacing));
//    new pixel i sits at old continuous index i * new / old, so pixel 0 keeps
//    its physical centre (origin and direction unchanged, spacing replaced);
//    positions past the last old pixel centre take the edge value (border).
//  - the image becomes float32 with linear / bspline (float64 stays) and keeps
//    its pixel type with nearest; the mask always uses nearest (round half
//    up; label set and dtype kept).
//  - boxes: every coordinate c (Box units) becomes (c - 0.5) * old / new + 0.5,
//    clipped to the new grid.
//  - resampling is separable (one 1-D operator per axis), exact in float64
//    arithmetic for the weights; CUDA tensors stay on their device.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class Spacing : public Transform {
 public:
  enum class Mode { Linear, BSpline, Nearest };
  explicit Spacing(const Params& p);
  std::string name() const override { return "Spacing"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

  // The 1-D resampling operator [n_out, n_in] (float64, CPU) of one axis:
  // output i samples input position i * ratio (ratio = new / old spacing).
  static at::Tensor axis_operator(int64_t n_in, int64_t n_out, double ratio, Mode mode);

 private:
  std::vector<double> pixdim_;
  Mode mode_ = Mode::Linear;
};

}  // namespace medcnn
