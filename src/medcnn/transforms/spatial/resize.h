// Resize (MONAI name): resamples the sample to a fixed spatial size.
//
// Parameters
//   spatial_size  required: one integer for every axis, or one per spatial
//                 axis in TENSOR order ([D,] H, W); values <= 0 keep that axis
//   mode          "linear" (default; bilinear in 2-D, trilinear in 3-D) or
//                 "nearest" for the image; the mask always uses nearest
// Ensures: interpolation with align_corners = false (pixel centres are
// resampled, as torch / MONAI). The image becomes float32 with "linear"
// (float64 stays float64) and keeps its pixel type with "nearest"; nearest
// takes the pixel whose centre is nearest (torch's "nearest-exact"), so the
// mask keeps its labels and dtype.
// Boxes scale by new/old size per axis. Geometry: new spacing = old spacing
// * old size / new size and the origin moves to the physical centre of the
// new first pixel, so the physical extent and every pixel centre stay true.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class Resize : public Transform {
 public:
  explicit Resize(const Params& p);
  std::string name() const override { return "Resize"; }
  bool is_spatial() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> spatial_size_;
  bool nearest_ = false;
};

}  // namespace medcnn
