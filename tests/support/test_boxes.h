// Boxes for tests: 2-D and 3-D boxes in one call (Box convention,
// core/box.h) and their JSON form for the Python oracles ({"lo", "hi",
// "label", "score"}, as tests/oracles/detection_numpy.py reads them), one
// list per image in boxes_json.
#pragma once
#include <nlohmann/json.hpp>

#include <array>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn::test {

inline Box box2(double x0, double y0, double x1, double y1, int label = 0, float score = 1.0f) {
  Box b;
  b.dims = 2;
  b.lo = {x0, y0, 0};
  b.hi = {x1, y1, 0};
  b.label = label;
  b.score = score;
  return b;
}

inline Box box3(std::array<double, 3> lo, std::array<double, 3> hi, int label = 0,
                float score = 1.0f) {
  Box b;
  b.dims = 3;
  b.lo = lo;
  b.hi = hi;
  b.label = label;
  b.score = score;
  return b;
}

inline nlohmann::json box_json(const Box& b) {
  nlohmann::json lo = nlohmann::json::array(), hi = nlohmann::json::array();
  for (size_t a = 0; a < size_t(b.dims); ++a) {
    lo.push_back(b.lo[a]);
    hi.push_back(b.hi[a]);
  }
  return {{"lo", lo}, {"hi", hi}, {"label", b.label}, {"score", double(b.score)}};
}

// One JSON list of box_json per image.
inline nlohmann::json boxes_json(const std::vector<std::vector<Box>>& boxes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& image : boxes) {
    nlohmann::json list = nlohmann::json::array();
    for (const Box& b : image) list.push_back(box_json(b));
    out.push_back(list);
  }
  return out;
}

}  // namespace medcnn::test
