// OtsuForegroundMask: foreground by Otsu's threshold; either writes it as the
// sample's mask or zeroes the background of the image (MONAI's
// ForegroundMask with Otsu, plus slide-style background removal).
//
// Parameters
//   mode    "mask" (default): sample.mask becomes a uint8 label map on the
//           image's grid, 1 = foreground, 0 = background (an existing mask is
//           replaced); "zero": background pixels of every image channel are
//           set to `fill` and the mask is not touched
//   fill    value for background pixels with mode "zero" (default 0)
//   bins    histogram bins (default 256)
//   rgb     for 3- or 4-channel images (RGB, alpha ignored), the tissue
//           convention of whole-slide images: "grey" (default) computes on
//           the luminance 0.299 R + 0.587 G + 0.114 B and takes the pixels
//           DARKER than or at the threshold (tissue on a bright background);
//           "saturation" computes on the HSV saturation (max - min) / max
//           (0 where max = 0) and takes the pixels above the threshold
//   invert  swap foreground and background (default false)
// One-channel images (any other channel count: the channel mean) take the
// pixels ABOVE the threshold, as skimage (image > threshold_otsu(image)).
//
// Threshold: as skimage.filters.threshold_otsu on float data: a histogram of
// `bins` equal bins over [min, max], the between-class variance maximised
// over the split after bin i, threshold = centre of bin i. A constant image
// gives threshold = its value (everything background).
// Not spatial: no pixel moves; geometry unchanged; CUDA tensors stay put.
#pragma once
#include <string>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class OtsuForegroundMask : public Transform {
 public:
  explicit OtsuForegroundMask(const Params& p);
  std::string name() const override { return "OtsuForegroundMask"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

  // Otsu's threshold of the values of x (any shape), skimage's rule.
  static double otsu_threshold(const at::Tensor& x, int64_t bins = 256);
  // The foreground (bool, [spatial...]) of an image, per the parameters.
  at::Tensor foreground(const Image& image) const;

 private:
  bool zero_ = false, saturation_ = false, invert_ = false;
  double fill_ = 0.0;
  int64_t bins_ = 256;
};

}  // namespace medcnn
