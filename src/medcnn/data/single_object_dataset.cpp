#include "medcnn/data/single_object_dataset.h"

#include <algorithm>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

// The name of a box's class: its own name, else base's name for its label.
std::string class_of(const Box& b, const std::vector<std::string>& base_names) {
  if (!b.class_name.empty()) return b.class_name;
  if (b.label >= 0 && b.label < int(base_names.size())) return base_names[b.label];
  return std::to_string(b.label);
}

// The boxes of `s` whose class is in `classes`, relabelled by index there.
std::vector<Box> kept_boxes(const Sample& s, const std::vector<std::string>& classes,
                            const std::vector<std::string>& base_names) {
  std::vector<Box> out;
  for (Box b : s.boxes) {
    const std::string name = class_of(b, base_names);
    auto it = std::find(classes.begin(), classes.end(), name);
    if (it == classes.end()) continue;
    b.label = int(it - classes.begin());
    b.class_name = name;
    out.push_back(b);
  }
  return out;
}

}  // namespace

SingleObjectDataset::SingleObjectDataset(DatasetPtr base, std::vector<std::string> classes)
    : base_(std::move(base)), classes_(std::move(classes)) {
  const auto base_names = base_->class_names();
  if (classes_.empty()) classes_ = base_names;
  for (size_t i = 0; i < base_->size(); ++i) {
    const std::vector<Box> boxes = kept_boxes(base_->get(i), classes_, base_names);
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
  s.boxes = kept_boxes(s, classes_, base_->class_names());
  s.label = labels_[i];
  return s;
}

std::string SingleObjectDataset::describe() const {
  return base_->describe() + ", single-object cases (" + std::to_string(index_.size()) + " kept, " +
         std::to_string(skipped_) + " with none or several)";
}

}  // namespace medcnn
