// Dataset sources: one class per kind of layout users have on disk.
// Every constructor checks what it can up front (folder exists, CSV columns,
// referenced files exist, npz keys) and throws DataError / IoError /
// FormatError naming the file and the problem, so a bad data set fails at
// start-up, not hours into training.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "medcnn/data/dataset.h"

namespace medcnn {

// root/<class>/<image files>; classes are the sub-folder names, sorted.
class FolderDataset : public Dataset {
 public:
  explicit FolderDataset(const std::string& root);
  size_t size() const override { return files_.size(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override { return labels_; }
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

 private:
  std::string root_;
  std::vector<std::string> files_, classes_;
  std::vector<int64_t> labels_;
};

// CSV manifest. Header names the columns: image (required), label, mask,
// boxes, id (optional); other columns go to Sample::meta. label is a class
// index or a class name (names are sorted into indices; an empty cell is
// -1). boxes is either a VOC .xml path or the inline form of
// parse_inline_boxes; box labels are the box class names sorted into
// indices (or the names themselves when they are integers). Quoted fields
// are allowed. Every referenced file is checked at construction: a missing
// one is a DataError naming the CSV, the line and the path.
// class_names(): the label names, or the box class names when the labels
// are not names.
class CsvDataset : public Dataset {
 public:
  explicit CsvDataset(const std::string& csv_path);
  size_t size() const override { return rows_.size(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

 private:
  struct Row {
    std::string id, image, mask, boxes;
    int64_t label = -1;
    int line = 0;
    std::vector<Box> box_list;  // parsed at construction (inline or VOC .xml)
    std::map<std::string, std::string> extra;  // other columns -> Sample::meta
  };
  std::string path_;
  std::vector<Row> rows_;
  std::vector<std::string> classes_;      // label names (if labels are names)
  std::vector<std::string> box_classes_;  // box class names, sorted
};

// dataset.json of the Medical Segmentation Decathlon / nnU-Net v1:
// "training": [{"image": ..., "label": ...}], "labels": {"0": "background", ...}.
// Also accepts nnU-Net v2 (imagesTr/ + labelsTr/ with "file_ending").
class DecathlonDataset : public Dataset {
 public:
  DecathlonDataset(const std::string& json_path, const std::string& section = "training");
  size_t size() const override { return cases_.size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> class_names() const override { return label_names_; }
  std::string describe() const override;

 private:
  std::string path_;
  std::vector<std::pair<std::string, std::string>> cases_;  // image, label
  std::vector<std::string> label_names_;
};

// MedMNIST npz: keys <split>_images [N,H,W] / [N,H,W,C] / [N,D,H,W] and
// <split>_labels [N] or [N,1]. 2-D sets give 2-D Images, 3-D sets 3-D ones.
class NpzDataset : public Dataset {
 public:
  NpzDataset(const std::string& path, const std::string& split);
  size_t size() const override;
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override { return labels_; }
  std::vector<std::string> class_names() const override;
  std::string describe() const override;
  int spatial_dims() const { return dims_; }

 private:
  std::string path_, split_;
  at::Tensor images_;  // uint8 [N, C, spatial...]
  std::vector<int64_t> labels_;
  int dims_ = 2;
};

// Pascal VOC: root/JPEGImages, root/Annotations, root/ImageSets/Main/<split>.txt
// (split "" = every annotation). Classes: the given names, or all names
// found, sorted; boxes are labelled by class index (boxes of a class not in
// a given list are dropped). Annotations are read at construction.
class VocDataset : public Dataset {
 public:
  VocDataset(const std::string& root, const std::string& split = "",
             std::vector<std::string> classes = {});
  size_t size() const override { return ids_.size(); }
  Sample get(size_t index) const override;
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;

 private:
  std::string root_, split_;
  std::vector<std::string> ids_, classes_;
  std::vector<std::string> images_;        // image path per id
  std::vector<std::vector<Box>> boxes_;    // labelled boxes per id
};

// Opens whatever `spec` is: a .csv, a dataset.json, an .npz (split from
// `split`, default train), a VOC root (has Annotations/), or a class folder.
DatasetPtr open_dataset(const std::string& spec, const std::string& split = "");

// Reads a mask / label map for pairing with an image: integer pixel types
// are kept; a float file holding whole numbers becomes int64; several
// identical channels become one. FormatError naming the file otherwise.
Image read_mask(const std::string& path);

}  // namespace medcnn
