// Dataset: an indexed, read-only collection of Samples, read lazily.
//
// get(i) reads the files of case i (thread-safe: loaders call it from
// several worker threads at once). labels() gives every case's label without
// reading images (-1 where a case has none), for stratified splits and
// class-balanced sampling. Errors while reading name the case's file.
//
// Sources (each in its own file under data/):
//   FolderDataset     root/<class name>/<images>, classes sorted by name
//   CsvDataset        manifest with columns image[,label][,mask][,boxes]
//                     (or columns / a path pattern named by CsvOptions);
//                     relative paths resolve against the CSV's folder
//   DecathlonDataset  Medical Segmentation Decathlon / nnU-Net dataset.json
//   NpzDataset        MedMNIST .npz, split "train" | "val" | "test"
//   VocDataset        Pascal VOC folder (JPEGImages, Annotations, ImageSets/Main)
//   EcgBeatDataset    beats of WFDB ECG records (ecg_beat_dataset.h)
//   Subset            a view of some indices of another dataset
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/data/sample.h"

namespace medcnn {

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual size_t size() const = 0;
  virtual Sample get(size_t index) const = 0;
  virtual std::vector<int64_t> labels() const;  // default: -1 for every case
  virtual std::vector<std::string> class_names() const { return {}; }
  virtual std::string describe() const = 0;
};

using DatasetPtr = std::shared_ptr<const Dataset>;

class Subset : public Dataset {
 public:
  Subset(DatasetPtr base, std::vector<size_t> indices);
  size_t size() const override { return indices_.size(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return base_->class_names(); }
  std::string describe() const override;
  const std::vector<size_t>& indices() const { return indices_; }

 private:
  DatasetPtr base_;
  std::vector<size_t> indices_;
};

}  // namespace medcnn
