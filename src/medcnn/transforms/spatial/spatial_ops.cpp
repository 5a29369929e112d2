#include "medcnn/transforms/spatial/spatial_ops.h"

#include <torch/torch.h>

#include <algorithm>

#include "medcnn/core/error.h"

namespace medcnn::spatial_ops {

std::vector<int64_t> resolve_size(const std::vector<int64_t>& param,
                                  const std::vector<int64_t>& shape, const std::string& transform,
                                  const std::string& key) {
  const size_t d = shape.size();
  if (param.size() != 1 && param.size() != d)
    throw ConfigError(transform + "." + key,
                      "has " + std::to_string(param.size()) + " values for a " +
                          std::to_string(d) + "-D image (give one value or " +
                          std::to_string(d) + ", in tensor order)");
  std::vector<int64_t> out(d);
  for (size_t a = 0; a < d; ++a) {
    int64_t v = param.size() == 1 ? param[0] : param[a];
    out[a] = v <= 0 ? shape[a] : v;
  }
  return out;
}

std::vector<int64_t> resolve_axes(const std::vector<int64_t>& axes, int dims,
                                  const std::string& transform, const std::string& key) {
  std::vector<int64_t> out;
  if (axes.empty()) {
    for (int a = 0; a < dims; ++a) out.push_back(a);
    return out;
  }
  for (int64_t a : axes) {
    int64_t r = a < 0 ? a + dims : a;
    if (r < 0 || r >= dims)
      throw ConfigError(transform + "." + key, "axis " + std::to_string(a) +
                                                   " out of range for a " +
                                                   std::to_string(dims) + "-D image");
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  }
  return out;
}

namespace {

void crop_image(Image& im, const std::vector<int64_t>& start, const std::vector<int64_t>& size) {
  at::Tensor t = im.data;
  std::array<double, 3> idx{0, 0, 0};
  const int dims = im.dims();
  for (int a = 0; a < dims; ++a) {
    t = t.narrow(a + 1, start[a], size[a]);
    idx[image_axis(dims, a)] = static_cast<double>(start[a]);
  }
  Geometry g = im.geometry;
  g.origin = im.geometry.index_to_physical(idx);
  im.data = t.contiguous();
  im.geometry = g;
}

void pad_image(Image& im, const std::vector<int64_t>& before, const std::vector<int64_t>& after,
               double value) {
  const int dims = im.dims();
  std::vector<int64_t> p;  // torch order: last axis first
  std::array<double, 3> idx{0, 0, 0};
  for (int a = dims - 1; a >= 0; --a) {
    p.push_back(before[a]);
    p.push_back(after[a]);
    idx[image_axis(dims, a)] = -static_cast<double>(before[a]);
  }
  Geometry g = im.geometry;
  g.origin = im.geometry.index_to_physical(idx);
  im.data = torch::constant_pad_nd(im.data, p, value);
  im.geometry = g;
}

void flip_image(Image& im, const std::vector<int64_t>& axes) {
  const int dims = im.dims();
  std::vector<int64_t> t_axes;
  std::array<double, 3> idx{0, 0, 0};
  auto shape = im.spatial_shape();
  Geometry g = im.geometry;
  for (int64_t a : axes) {
    t_axes.push_back(a + 1);
    const int j = image_axis(dims, static_cast<int>(a));
    idx[j] = static_cast<double>(shape[a] - 1);
    for (int r = 0; r < 3; ++r) g.set_dir(r, j, -g.dir(r, j));
  }
  g.origin = im.geometry.index_to_physical(idx);
  im.data = im.data.flip(t_axes);
  im.geometry = g;
}

}  // namespace

void crop(Sample& s, const std::vector<int64_t>& start, const std::vector<int64_t>& size) {
  const int dims = s.image.dims();
  auto shape = s.image.spatial_shape();
  for (int a = 0; a < dims; ++a)
    if (start[a] < 0 || size[a] < 1 || start[a] + size[a] > shape[a])
      throw std::logic_error("spatial_ops::crop: region outside the image");
  crop_image(s.image, start, size);
  if (s.mask) crop_image(*s.mask, start, size);
  std::vector<Box> kept;
  for (Box b : s.boxes) {
    bool empty = false;
    for (int a = 0; a < dims; ++a) {
      const int j = image_axis(dims, a);
      if (j >= b.dims) continue;
      const double lo = static_cast<double>(start[a]), hi = lo + static_cast<double>(size[a]);
      b.lo[j] = std::clamp(b.lo[j], lo, hi) - lo;
      b.hi[j] = std::clamp(b.hi[j], lo, hi) - lo;
      if (b.hi[j] <= b.lo[j]) empty = true;
    }
    if (!empty) kept.push_back(b);
  }
  s.boxes = std::move(kept);
}

void pad(Sample& s, const std::vector<int64_t>& before, const std::vector<int64_t>& after,
         double value) {
  const int dims = s.image.dims();
  pad_image(s.image, before, after, value);
  if (s.mask) pad_image(*s.mask, before, after, 0.0);
  for (Box& b : s.boxes)
    for (int a = 0; a < dims; ++a) {
      const int j = image_axis(dims, a);
      if (j >= b.dims) continue;
      b.lo[j] += static_cast<double>(before[a]);
      b.hi[j] += static_cast<double>(before[a]);
    }
}

void flip(Sample& s, const std::vector<int64_t>& axes) {
  if (axes.empty()) return;
  const int dims = s.image.dims();
  auto shape = s.image.spatial_shape();
  flip_image(s.image, axes);
  if (s.mask) flip_image(*s.mask, axes);
  for (Box& b : s.boxes)
    for (int64_t a : axes) {
      const int j = image_axis(dims, static_cast<int>(a));
      if (j >= b.dims) continue;
      const double n = static_cast<double>(shape[a]);
      const double lo = n - b.hi[j], hi = n - b.lo[j];
      b.lo[j] = lo;
      b.hi[j] = hi;
    }
}

}  // namespace medcnn::spatial_ops
