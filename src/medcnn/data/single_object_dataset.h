// SingleObjectDataset: the localization view of a box data set: the cases
// of `base` that hold exactly one box, each labelled with that box's class.
//
// Contract
//  - classes: the object classes to keep, by name (boxes of other classes
//    are dropped first: {"WBC"} keeps the images with exactly one white
//    cell, whatever their red cells); empty = every class of base.
//  - A kept sample's boxes hold its one box, relabelled with the class's
//    index in class_names(); label() is the same index.
//  - The boxes of every case are read at construction (base->get(i)).
//  - DataError when no case qualifies, naming the base and the classes.
#pragma once
#include <string>
#include <vector>

#include "medcnn/data/dataset.h"

namespace medcnn {

class SingleObjectDataset : public Dataset {
 public:
  SingleObjectDataset(DatasetPtr base, std::vector<std::string> classes = {});
  size_t size() const override { return index_.size(); }
  Sample get(size_t i) const override;
  std::vector<int64_t> labels() const override { return labels_; }
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

 private:
  DatasetPtr base_;
  std::vector<std::string> classes_;
  std::vector<size_t> index_;
  std::vector<int64_t> labels_;
  size_t skipped_ = 0;
};

}  // namespace medcnn
