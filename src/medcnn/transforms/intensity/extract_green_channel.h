// ExtractGreenChannel: keeps the green channel of an RGB image (fundus
// photographs, where G has the best vessel contrast).
//
// Parameters: none.
// Requires: a 3-channel (RGB order) image; DataError naming the sample otherwise.
// Ensures: a 1-channel image holding channel 1, same dtype, pixel type and
// geometry. Mask and boxes untouched. Any dimension.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class ExtractGreenChannel : public Transform {
 public:
  explicit ExtractGreenChannel(const Params& p);
  std::string name() const override { return "ExtractGreenChannel"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;
};

}  // namespace medcnn
