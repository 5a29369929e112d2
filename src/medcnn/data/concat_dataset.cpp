#include "medcnn/data/concat_dataset.h"

#include "medcnn/core/error.h"

namespace medcnn {

ConcatDataset::ConcatDataset(std::vector<DatasetPtr> parts) : parts_(std::move(parts)) {
  if (parts_.empty()) throw DataError("ConcatDataset", "no data set to concatenate");
  offsets_.push_back(0);
  for (const auto& p : parts_) {
    if (p->class_names() != parts_[0]->class_names())
      throw DataError(p->describe(), "class names differ from those of " + parts_[0]->describe());
    offsets_.push_back(offsets_.back() + p->size());
  }
}

Sample ConcatDataset::get(size_t index) const {
  if (index >= size()) throw DataError(describe(), "case index out of range");
  size_t part = std::upper_bound(offsets_.begin(), offsets_.end(), index) - offsets_.begin() - 1;
  return parts_[part]->get(index - offsets_[part]);
}

std::vector<int64_t> ConcatDataset::labels() const {
  std::vector<int64_t> out;
  for (const auto& p : parts_) {
    auto l = p->labels();
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

std::string ConcatDataset::describe() const {
  std::string s;
  for (const auto& p : parts_) s += (s.empty() ? "" : " + ") + p->describe();
  return s;
}

}  // namespace medcnn
