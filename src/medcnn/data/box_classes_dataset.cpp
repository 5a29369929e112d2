#include "medcnn/data/box_classes_dataset.h"

#include <algorithm>
#include <set>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

std::string class_of(const Box& b, const std::vector<std::string>& base_names) {
  if (!b.class_name.empty()) return b.class_name;
  if (b.label >= 0 && b.label < int(base_names.size())) return base_names[b.label];
  return std::to_string(b.label);
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

std::vector<Box> boxes_of_classes(const Sample& s, const std::vector<std::string>& classes,
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

BoxClassesDataset::BoxClassesDataset(DatasetPtr base, std::vector<std::string> classes)
    : base_(std::move(base)), classes_(std::move(classes)) {
  const auto base_names = base_->class_names();
  const bool find = classes_.empty();
  std::set<std::string> found;
  for (size_t i = 0; i < base_->size(); ++i) {
    const Sample s = base_->get(i);
    if (find) {
      for (const Box& b : s.boxes) found.insert(class_of(b, base_names));
      boxes_ += s.boxes.size();
    } else {
      boxes_ += boxes_of_classes(s, classes_, base_names).size();
    }
  }
  if (find) classes_.assign(found.begin(), found.end());
  if (boxes_ == 0)
    throw DataError(base_->describe(), find ? std::string("holds no box to detect")
                                            : "holds no box of the classes " + joined(classes_));
}

Sample BoxClassesDataset::get(size_t i) const {
  Sample s = base_->get(i);
  s.boxes = boxes_of_classes(s, classes_, base_->class_names());
  s.label = -1;
  return s;
}

std::vector<int64_t> BoxClassesDataset::labels() const {
  return std::vector<int64_t>(base_->size(), -1);
}

std::string BoxClassesDataset::describe() const {
  return base_->describe() + ", " + std::to_string(boxes_) + " boxes of " + joined(classes_);
}

}  // namespace medcnn
