// RandCoarseDropout (MONAI name): fills random boxes ("holes").
//
// Parameters
//   holes             number of holes (default 1, >= 1)
//   max_holes         if set, the count is drawn in [holes, max_holes]
//   spatial_size      hole size per spatial axis in tensor order, or one
//                     number for all (default 8); clipped to the image
//   max_spatial_size  if set, each hole's size is drawn per axis in
//                     [spatial_size, max_spatial_size]
//   fill_value        number; absent or null: uniform noise in the image's
//                     [min, max] (MONAI)
//   dropout_holes     true (default): fill the holes; false: keep the holes
//                     and fill everything else
//   prob              probability of applying (default 0.1)
// Holes may overlap; each lies fully inside the image (start drawn in
// [0, size - hole]). Ensures: when applied, image becomes float32; otherwise
// unchanged. All channels share the holes. Any dimension.
#pragma once
#include <optional>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandCoarseDropout : public Transform {
 public:
  explicit RandCoarseDropout(const Params& p);
  std::string name() const override { return "RandCoarseDropout"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1;
  int64_t holes_ = 1, max_holes_ = -1;
  std::vector<int64_t> spatial_size_{8}, max_spatial_size_;
  std::optional<double> fill_value_;
  bool dropout_holes_ = true;
};

}  // namespace medcnn
