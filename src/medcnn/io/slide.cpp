#include "medcnn/io/slide.h"

#include <openslide/openslide.h>
#include <torch/torch.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"

namespace fs = std::filesystem;

namespace medcnn {

struct Slide::Handle {
  openslide_t* osr = nullptr;
  double mpp_x = 0, mpp_y = 0;
  ~Handle() {
    if (osr) openslide_close(osr);
  }
};

namespace {

double number_property(openslide_t* osr, const char* name) {
  const char* v = openslide_get_property_value(osr, name);
  if (!v) return 0;
  try {
    size_t used = 0;
    const double d = std::stod(v, &used);
    return std::isfinite(d) && d > 0 ? d : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

Slide::Slide(const std::string& path) : path_(path), h_(std::make_unique<Handle>()) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw IoError(path, "no such file or folder");
  if (!fs::is_regular_file(path, ec)) throw IoError(path, "not a regular file");
  if (!std::ifstream(path, std::ios::binary)) throw IoError(path, "cannot open for reading");
  if (!openslide_detect_vendor(path.c_str()))
    throw FormatError(path, "not a slide format OpenSlide knows (tiled/pyramidal TIFF, SVS, NDPI, "
                            "MRXS, SCN, ...)");
  h_->osr = openslide_open(path.c_str());
  if (!h_->osr) throw FormatError(path, "OpenSlide cannot open this slide");
  if (const char* err = openslide_get_error(h_->osr))
    throw FormatError(path, std::string("OpenSlide: ") + err);
  if (openslide_get_level_count(h_->osr) < 1) throw FormatError(path, "the slide has no levels");
  h_->mpp_x = number_property(h_->osr, OPENSLIDE_PROPERTY_NAME_MPP_X);
  h_->mpp_y = number_property(h_->osr, OPENSLIDE_PROPERTY_NAME_MPP_Y);
}

Slide::~Slide() = default;

bool Slide::can_open(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && openslide_detect_vendor(path.c_str()) != nullptr;
}

int Slide::level_count() const { return openslide_get_level_count(h_->osr); }

std::array<int64_t, 2> Slide::level_size(int level) const {
  if (level < 0 || level >= level_count())
    throw Error(path_, "level " + std::to_string(level) + " out of range (the slide has " +
                           std::to_string(level_count()) + " levels)");
  int64_t w = -1, h = -1;
  openslide_get_level_dimensions(h_->osr, level, &w, &h);
  if (w < 0 || h < 0) throw FormatError(path_, "cannot read the size of level " + std::to_string(level));
  return {w, h};
}

double Slide::level_downsample(int level) const {
  if (level < 0 || level >= level_count())
    throw Error(path_, "level " + std::to_string(level) + " out of range (the slide has " +
                           std::to_string(level_count()) + " levels)");
  return openslide_get_level_downsample(h_->osr, level);
}

double Slide::mpp_x() const { return h_->mpp_x; }
double Slide::mpp_y() const { return h_->mpp_y; }

Image Slide::read_region(int64_t x, int64_t y, int level, int64_t w, int64_t h) const {
  if (w <= 0 || h <= 0)
    throw Error(path_, "region size must be positive (got " + std::to_string(w) + "x" + std::to_string(h) + ")");
  if (w * h > (int64_t(1) << 31))
    throw Error(path_, "region of " + std::to_string(w) + "x" + std::to_string(h) +
                           " pixels is too large to read at once");
  const double ds = level_downsample(level);
  std::vector<uint32_t> argb(static_cast<size_t>(w * h));
  openslide_read_region(h_->osr, argb.data(), x, y, level, w, h);
  if (const char* err = openslide_get_error(h_->osr))
    throw FormatError(path_, std::string("cannot read a region: ") + err);

  // Premultiplied ARGB composited over white: c + (255 - a).
  at::Tensor t = torch::empty({3, h, w}, torch::kByte);
  uint8_t* out = t.data_ptr<uint8_t>();
  const int64_t plane = w * h;
  for (int64_t i = 0; i < plane; ++i) {
    const uint32_t p = argb[static_cast<size_t>(i)];
    const uint32_t a = p >> 24, white = 255 - a;
    auto channel = [&](int shift) {
      const uint32_t c = ((p >> shift) & 0xff) + white;
      return static_cast<uint8_t>(c > 255 ? 255 : c);
    };
    out[i] = channel(16);
    out[plane + i] = channel(8);
    out[2 * plane + i] = channel(0);
  }

  Geometry g = Geometry::identity(2);
  const double mx = h_->mpp_x, my = h_->mpp_y > 0 ? h_->mpp_y : h_->mpp_x;
  if (mx > 0) {
    // Physical units are mm; level-0 pixel k has its centre at k * mpp.
    g.spacing = {mx * ds / 1000.0, my * ds / 1000.0, 1};
    g.origin = {(x + 0.5 * ds - 0.5) * mx / 1000.0, (y + 0.5 * ds - 0.5) * my / 1000.0, 0};
  } else {
    // Unknown pixel size: level pixels of size 1.
    g.origin = {x / ds, y / ds, 0};
  }
  Image image(t, g, PixelType::UInt8);
  image.source = path_;
  image.meta["level"] = std::to_string(level);
  return image;
}

}  // namespace medcnn
