// ConcatDataset: several data sets read as one (e.g. the train and val
// splits of a MedMNIST file pooled for cross-validation). Cases keep their
// order (all of the first, then the second, ...). The parts must agree on
// class names (DataError naming both descriptions otherwise).
#pragma once
#include <vector>

#include "medcnn/data/dataset.h"

namespace medcnn {

class ConcatDataset : public Dataset {
 public:
  explicit ConcatDataset(std::vector<DatasetPtr> parts);
  size_t size() const override { return offsets_.back(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return parts_[0]->class_names(); }
  std::string describe() const override;

 private:
  std::vector<DatasetPtr> parts_;
  std::vector<size_t> offsets_;  // offsets_[i] = first index of part i; back() = size
};

}  // namespace medcnn
