#include "medcnn/data/single_object_dataset.h"

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/data/box_classes_dataset.h"

namespace medcnn {

SingleObjectDataset::SingleObjectDataset(DatasetPtr base, std::vector<std::string> classes)
    : base_(std::move(base)), classes_(std::move(classes)) {
  const auto base_names = base_->class_names();
  if (classes_.empty()) classes_ = base_names;
  for (size_t i = 0; i < base_->size(); ++i) {
    const std::vector<Box> boxes = boxes_of_classes(base_->get(i), classes_, base_names);
    if (boxes.size() != 1) {
      ++skipped_;
      continue;
    }
    index_.push_back(i);
    labels_.push_back(boxes[0].label);
  }
  if (index_.empty())
    throw DataError(base_->describe(), "no case holds exactly one box of the classes asked for");
}

Sample SingleObjectDataset::get(size_t i) const {
  Sample s = base_->get(index_.at(i));
  s.boxes = boxes_of_classes(s, classes_, base_->class_names());
  s.label = labels_[i];
  return s;
}

std::string SingleObjectDataset::describe() const {
  return base_->describe() + ", single-object cases (" + std::to_string(index_.size()) + " kept, " +
         std::to_string(skipped_) + " with none or several)";
}

}  // namespace medcnn
