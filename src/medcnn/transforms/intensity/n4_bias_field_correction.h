// N4BiasFieldCorrection: ITK's N4 (Tustison et al. 2010) removal of a smooth
// multiplicative bias field, per channel.
//
// Parameters
//   shrink_factor          integer >= 1 (default 4): N4 runs on the image
//                          shrunk by this factor; the fitted B-spline log field
//                          is then evaluated on the full grid
//   iterations             list, maximum iterations per fitting level
//                          (default [50, 50, 50, 50]; its length is the number
//                          of levels)
//   convergence_threshold  default 0.001
//   control_points         control points per axis at the first level (default 4)
// Mask: the sample's mask > 0 when present (spatial shape must match),
// otherwise the Otsu foreground of the channel (itk::OtsuThresholdImageFilter:
// values above the threshold); in both cases only pixels > 0 (N4 works on
// logs). A channel whose mask is empty is left unchanged.
// Ensures: image becomes float32 x / exp(log_field), with the geometry
// (spacing, origin, direction) handed to ITK so the field is fitted in
// physical space. 2-D and 3-D only (DataError otherwise). Runs on the CPU (a
// CUDA tensor is copied there and back). Deterministic.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class N4BiasFieldCorrection : public Transform {
 public:
  explicit N4BiasFieldCorrection(const Params& p);
  std::string name() const override { return "N4BiasFieldCorrection"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  int64_t shrink_factor_ = 4;
  std::vector<int64_t> iterations_{50, 50, 50, 50};
  double convergence_threshold_ = 0.001;
  int64_t control_points_ = 4;
};

}  // namespace medcnn
