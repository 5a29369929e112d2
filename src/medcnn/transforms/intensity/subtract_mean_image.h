// SubtractMeanImage: subtracts a mean image (read from a file) or a mean
// value per channel.
//
// Parameters (exactly one of)
//   path   image file read with medcnn::read_image when the transform is
//          built; its spatial shape must equal the sample's, and its channel
//          count must be 1 (broadcast) or the sample's
//   value  number (every channel) or list, one per channel
// Ensures: image becomes float32 x - mean. Mismatched shapes throw
// GeometryError naming the mean file (or ConfigError for a value list of the
// wrong length). Mask and boxes untouched. Any dimension.
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class SubtractMeanImage : public Transform {
 public:
  explicit SubtractMeanImage(const Params& p);
  std::string name() const override { return "SubtractMeanImage"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::string path_;
  at::Tensor mean_;  // [C or 1, spatial...] float32 on the CPU, from path
  std::vector<double> value_;
};

}  // namespace medcnn
