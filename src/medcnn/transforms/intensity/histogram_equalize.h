// HistogramEqualize: global histogram equalisation per channel, as
// skimage.exposure.equalize_hist.
//
// Parameters
//   num_bins  number of histogram bins over [min, max] of the channel (default 256)
//   use_mask  false (default); true: the histogram counts only the sample's
//             foreground (mask > 0); every pixel is then mapped with it.
//             DataError if the sample has no mask.
// Ensures: image becomes float32 with values in [0, 1]: each value is mapped
// through the normalised cumulative histogram, linearly interpolated between
// bin centres (numpy.interp; clamped outside). Values are treated as floats
// (skimage's integer-image path, one bin per integer, is not copied).
// A constant channel becomes 1. Mask and boxes untouched. 2-D and 3-D.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class HistogramEqualize : public Transform {
 public:
  explicit HistogramEqualize(const Params& p);
  std::string name() const override { return "HistogramEqualize"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  int64_t num_bins_ = 256;
  bool use_mask_ = false;
};

}  // namespace medcnn
