// Whole-slide images through OpenSlide (pyramidal TIFF, SVS, NDPI, MRXS, ...).
//
// A Slide stays open and reads regions on demand; nothing reads the whole
// slide into memory. read_region(x, y, level, w, h): x, y in level-0 pixel
// coordinates (OpenSlide's convention), w, h in pixels of `level`. Returns a
// 2-D uint8 RGB Image (alpha dropped, transparent pixels white) whose spacing
// is the level's microns per pixel when the slide records it (mm otherwise 1).
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "medcnn/core/image.h"

namespace medcnn {

class Slide {
 public:
  explicit Slide(const std::string& path);  // throws IoError / FormatError
  ~Slide();
  Slide(const Slide&) = delete;
  Slide& operator=(const Slide&) = delete;

  static bool can_open(const std::string& path);
  const std::string& path() const { return path_; }
  int level_count() const;
  std::array<int64_t, 2> level_size(int level) const;  // width, height
  double level_downsample(int level) const;
  double mpp_x() const;  // microns per pixel at level 0; 0 if unknown
  double mpp_y() const;
  Image read_region(int64_t x, int64_t y, int level, int64_t w, int64_t h) const;

 private:
  std::string path_;
  struct Handle;
  std::unique_ptr<Handle> h_;
};

}  // namespace medcnn
