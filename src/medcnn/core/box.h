// Box: an axis-aligned region of interest in continuous pixel coordinates.
//
// Coordinates are in the image's index space, x/y/z order (x = last tensor
// axis), 0-based and continuous: pixel i covers [i, i+1). So a Pascal VOC box
// with 1-based inclusive corners (xmin..xmax) becomes lo = xmin-1, hi = xmax.
// label is a class index (-1: none); class_name the name it came with.
#pragma once
#include <array>
#include <string>

namespace medcnn {

struct Box {
  int dims = 2;
  std::array<double, 3> lo{0, 0, 0};
  std::array<double, 3> hi{0, 0, 0};
  int label = -1;
  std::string class_name;
  float score = 1.0f;  // 1 for ground truth, confidence for predictions

  double extent(int axis) const { return hi[axis] - lo[axis]; }
  double volume() const {
    double v = 1.0;
    for (int i = 0; i < dims; ++i) v *= std::max(0.0, hi[i] - lo[i]);
    return v;
  }
  std::array<double, 3> centre() const {
    return {(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, (lo[2] + hi[2]) / 2};
  }
};

}  // namespace medcnn
