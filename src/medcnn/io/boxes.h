// Box annotation files.
//
// read_voc(path): a Pascal VOC XML file -> image file name, size, and boxes
//   (class_name set, label -1; 1-based inclusive VOC corners converted to the
//   Box convention lo = xmin-1, hi = xmax). FormatError for malformed XML or
//   boxes outside numbers.
// parse_inline_boxes("RBC 10 20 30 40; WBC 1 2 3 4"): the CSV manifest's
//   inline form, "class xmin ymin xmax ymax" in Box coordinates, ';' between.
#pragma once
#include <string>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn {

struct VocAnnotation {
  std::string filename;
  int width = 0, height = 0, depth = 0;
  std::vector<Box> boxes;
};

VocAnnotation read_voc(const std::string& path);
std::vector<Box> parse_inline_boxes(const std::string& text, const std::string& where);
std::string format_inline_boxes(const std::vector<Box>& boxes);

}  // namespace medcnn
