// Box annotation and prediction files: COCO JSON and a plain CSV.
//
// BoxAnnotations: the boxes of several images. boxes[i] belongs to images[i]
// (a file name); a box's label indexes class_names (and its class_name is
// that name); sizes[i] = (width, height) in pixels, 0 when unknown (empty
// when all are unknown). image_ids / category_ids are the COCO ids of the
// images and classes (empty: 1..N and 1..K in order); the readers fill them.
// Coordinates are Box coordinates (core/box.h): continuous, 0-based, pixel i
// covers [i, i+1).
//
// COCO JSON (https://cocodataset.org/#format-data, "bbox" = [x, y, width,
// height] in pixels): bbox = [lo.x, lo.y, hi.x - lo.x, hi.y - lo.y], i.e. the
// same continuous convention as Box (COCO's x is the left edge of the first
// covered pixel: Box lo = x, hi = x + width). 3-D boxes (a medcnn extension)
// use [x, y, z, width, height, depth].
//   read_coco_json(path): a COCO dataset object {"images": [{id, file_name,
//     width?, height?}], "annotations": [{image_id, category_id, bbox,
//     score?}], "categories": [{id, name}]}. Images in file order; classes by
//     ascending category id (label k = the k-th smallest id); each image's
//     boxes in file order, score 1 unless given. "iscrowd", "area",
//     "segmentation" and other keys are ignored (crowd boxes are read as
//     ordinary boxes). A results list (a top-level array) is refused: read it
//     with read_coco_results.
//   read_coco_results(path, dataset): a COCO results list [{image_id,
//     category_id, bbox, score}] whose ids refer to `dataset` (its image_ids
//     and category_ids, or 1..N and 1..K when empty); returns dataset's images,
//     sizes, classes and ids with the results as boxes (scores kept).
//   write_coco_json(path, annotations, predictions): predictions == false: a
//     dataset object (images with id, file_name and, when known, width and
//     height; annotations with id 1.., image_id, category_id, bbox, area =
//     width * height, iscrowd 0; categories with id and name), readable by
//     pycocotools.COCO; predictions == true: a results list with image_id,
//     category_id, bbox and score (pycocotools COCO.loadRes). Ids: image_ids
//     and category_ids, or 1..N in images order and 1..K in class_names order.
//     A box's category is its label, or, when the label is -1, its class_name
//     looked up in class_names.
//
// CSV: a header row, then one row per box: image,class,xmin,ymin,xmax,ymax
// (3-D: image,class,xmin,ymin,zmin,xmax,ymax,zmax), then score when written
// with scores; Box coordinates (not VOC's 1-based corners); class is the name.
// An image without boxes is one row with only the image name. Columns are
// found by name (case-insensitive; other columns are ignored).
//   read_box_csv(path, class_names): images in order of first appearance;
//     labels index class_names when given (another class is a FormatError),
//     else the distinct class names sorted (std::string order). sizes are 0.
//   write_box_csv(path, annotations, with_score): with extra_columns, their
//     values follow the score (an image without boxes leaves them empty).
//
// Errors: IoError for a missing or unreadable file. FormatError(path, ...)
// naming the entry ("annotations[4]") or line for malformed content: invalid
// JSON, a missing or mistyped key, a non-number or NaN coordinate, a negative
// width or height (xmax < xmin), an unknown image or category id, duplicate
// ids, an unknown class, a missing column, a row of the wrong length.
// Writing: DataError(path, ...) when the annotations are inconsistent (list
// lengths, a box without a known class, a NaN or inverted box, 2-D and 3-D
// mixed); files are written atomically (io/files.h).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn {

struct BoxAnnotations {
  std::vector<std::string> images;
  std::vector<std::vector<Box>> boxes;
  std::vector<std::string> class_names;
  std::vector<std::pair<int, int>> sizes;  // width, height; 0 when unknown
  std::vector<int64_t> image_ids;          // COCO ids; empty: 1..N
  std::vector<int64_t> category_ids;       // COCO ids; empty: 1..K
  // Optional per-box values written after the score (predictions: the
  // uncertainty measures): extras[i][k][c] is column extra_columns[c] of box
  // k of image i (a CSV column; a member of each COCO result). Not read back.
  std::vector<std::string> extra_columns;
  std::vector<std::vector<std::vector<double>>> extras;
};

BoxAnnotations read_coco_json(const std::string& path);
BoxAnnotations read_coco_results(const std::string& path, const BoxAnnotations& dataset);
void write_coco_json(const std::string& path, const BoxAnnotations& annotations,
                     bool predictions = false);

BoxAnnotations read_box_csv(const std::string& path,
                            const std::vector<std::string>& class_names = {});
void write_box_csv(const std::string& path, const BoxAnnotations& annotations,
                   bool with_score = false);

}  // namespace medcnn
