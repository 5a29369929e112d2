// ToGrey: one grey channel from an RGB(A) image, so a data set that mixes
// grey and colour files (chest X-rays saved as JPEG) can be batched.
//
// Parameters: none.
// Ensures: a 1-channel image: unchanged if it has one channel; for 3 or 4
// channels (RGB order, alpha ignored) the ITU-R BT.601 luma
// 0.299 R + 0.587 G + 0.114 B, as OpenCV's and PIL's RGB-to-grey. Pixel
// type kept for 1 channel, float32 otherwise; geometry, mask and boxes
// untouched. Any dimension. Other channel counts: DataError naming the sample.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class ToGrey : public Transform {
 public:
  explicit ToGrey(const Params& p);
  std::string name() const override { return "ToGrey"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;
};

}  // namespace medcnn
