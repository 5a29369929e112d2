// Sample: one training or test case as it flows through the pipeline.
//
// image is always set; mask (a label map on the image's grid), boxes and
// label are optional (label -1 = none). A spatial transform must move mask
// and boxes with the image; an intensity transform touches the image only.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/core/image.h"

namespace medcnn {

struct Sample {
  std::string id;
  Image image;
  std::optional<Image> mask;
  std::vector<Box> boxes;
  int64_t label = -1;
  std::map<std::string, std::string> meta;
};

}  // namespace medcnn
