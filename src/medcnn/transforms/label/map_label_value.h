// MapLabelValue (MONAI name): renumbers the values of the mask, e.g. a vessel
// mask saved as {0, 255} to the class indices {0, 1}.
//
// Parameters
//   orig_labels    required: the values to replace (integers, distinct)
//   target_labels  required: what each becomes (same length)
//   strict         true (default): a mask value outside orig_labels (and
//                  other than the ignore label, core/labels.h) is a
//                  DataError naming the sample and the value; false: kept.
// Ensures: the mask holds int64 values; the image is untouched. A sample
// without a mask is left as it is (prediction inputs pass through).
#pragma once
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class MapLabelValue : public Transform {
 public:
  explicit MapLabelValue(const Params& p);
  std::string name() const override { return "MapLabelValue"; }
  bool is_spatial() const override { return false; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  std::vector<int64_t> from_, to_;
  bool strict_ = true;
};

}  // namespace medcnn
