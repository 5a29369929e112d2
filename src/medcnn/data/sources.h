// Dataset sources: one class per kind of layout users have on disk.
// Every constructor checks what it can up front (folder exists, CSV columns,
// referenced files exist, npz keys) and throws DataError / IoError /
// FormatError naming the file and the problem, so a bad data set fails at
// start-up, not hours into training.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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
//
// CsvOptions adapt a manifest that was not written for medcnn (e.g. a
// metadata.csv shipped with a public data set) without rewriting it:
//   image_column, label_column, mask_column, boxes_column, id_column:
//     which header names play those roles (case-insensitive; defaults image,
//     label, mask, boxes, id). The used columns do not go to meta.
//   roi_column (default roi): a region-of-interest mask per case (DRIVE's
//     field of view): mask pixels where the ROI is 0 become kIgnoreLabel
//     (core/labels.h), so losses and metrics leave them out; the mask turns
//     int64. The ROI must lie on the image's grid (GeometryError otherwise).
//   image_pattern: the image path built from the row instead of read from
//     image_column: "{col}" is replaced by the row's value of column col
//     (an empty value is a DataError), '*' and '?' in the file name part
//     are wildcards resolved by listing the folder, e.g.
//     "images/{patientid}.*"; exactly one file must match (none or several:
//     DataError naming the CSV line, the pattern and the matches).
//   encoding: "auto" (default: UTF-8 when the bytes are valid UTF-8, else
//     Latin-1), "utf-8" (invalid bytes are a FormatError naming the line),
//     "latin-1" (every byte one character). Text is converted to UTF-8.
//   positive: label values (one or several) that form the positive class:
//     a two-class set with class_names() = {negative, positive_name}, i.e.
//     index 0 = `negative` (default "other"), index 1 = `positive_name`
//     (default: the positive value itself when there is one, else
//     "positive"). Other non-empty values go to class 0; empty cells stay
//     unlabelled.
//   unlabelled: "keep" (label -1, e.g. for predict) or "drop" (the rows
//     are left out; their files are not checked). Default: "drop" when
//     `positive` is given (a two-class training set), "keep" otherwise.
struct CsvOptions {
  std::string image_column = "image", label_column = "label", mask_column = "mask",
              roi_column = "roi", boxes_column = "boxes", id_column = "id";
  std::string image_pattern;
  std::string encoding = "auto";
  std::vector<std::string> positive;
  std::string positive_name, negative = "other";
  std::string unlabelled;  // "" = default (see above), "keep", "drop"

  // Reads the keys above from a table (positive: a string or an array of
  // strings); any other key is a ConfigError naming `where`.<key> and
  // listing the allowed keys.
  static CsvOptions from_json(const nlohmann::json& options, const std::string& where);
};

class CsvDataset : public Dataset {
 public:
  explicit CsvDataset(const std::string& csv_path, const CsvOptions& options = {});
  size_t size() const override { return rows_.size(); }
  Sample get(size_t index) const override;
  std::vector<int64_t> labels() const override;
  std::vector<std::string> class_names() const override { return classes_; }
  std::string describe() const override;
  size_t dropped_unlabelled() const { return dropped_; }

 private:
  struct Row {
    std::string id, image, mask, roi, boxes;
    int64_t label = -1;
    int line = 0;
    std::vector<Box> box_list;  // parsed at construction (inline or VOC .xml)
    std::map<std::string, std::string> extra;  // other columns -> Sample::meta
  };
  std::string path_;
  std::vector<Row> rows_;
  std::vector<std::string> classes_;      // label names (if labels are names)
  std::vector<std::string> box_classes_;  // box class names, sorted
  size_t dropped_ = 0;                    // unlabelled rows left out
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
// `split`, default train), a VOC root (has Annotations/), a WFDB record
// header (.hea) or a folder holding .hea files (EcgBeatDataset over all of
// them, sorted by name), or a class folder.
// `options` (a table, e.g. the source keys of a config's [data]) go to the
// source: CsvOptions keys for a .csv, EcgBeatOptions keys for WFDB records;
// other sources take none. A key the chosen source does not know is a
// ConfigError naming "data.<key>" and listing the allowed keys.
DatasetPtr open_dataset(const std::string& spec, const std::string& split = "");
DatasetPtr open_dataset(const std::string& spec, const std::string& split,
                        const nlohmann::json& options);

// Reads a mask / label map for pairing with an image: integer pixel types
// are kept; a float file holding whole numbers becomes int64; several
// identical channels become one. FormatError naming the file otherwise.
Image read_mask(const std::string& path);

}  // namespace medcnn
