// BoxClassesDataset: the detection view of a box data set: every case of
// `base`, holding only the boxes of the chosen object classes, each
// relabelled with its class's index among them.
//
// Contract
//  - classes: the object classes to keep, by name (a box's class_name, or
//    base's class name for its label); empty = every class that some box of
//    base has, sorted by name (the boxes are read at construction then).
//  - Cases without a kept box stay (images without objects teach a detector
//    what background looks like). label() is -1 for every case.
//  - DataError when no box of the classes exists, naming base and classes.
#pragma once
#include <string>
#include <vector>

#include "medcnn/data/dataset.h"

namespace medcnn {

// The boxes of `s` whose class is in `classes`, relabelled by index there
// (class_name set). A box's class is its class_name, else base_names[label].
std::vector<Box> boxes_of_classes(const Sample& s, const std::vector<std::string>& classes,
                                  const std::vector<std::string>& base_names);

class BoxClassesDataset : public Dataset {
 public:
  BoxClassesDataset(DatasetPtr base, std::vector<std::string> classes = {});
  size_t size() const override { return base_->size(); }
  Sample get(size_t i) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

 private:
  DatasetPtr base_;
  std::vector<std::string> classes_;
  size_t boxes_ = 0;  // kept boxes, when counted at construction
};

}  // namespace medcnn
