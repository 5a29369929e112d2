#include "medcnn/transforms/spatial/spatial_ops.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

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

namespace F = torch::nn::functional;

// Nearest neighbour by pixel centres ("nearest-exact"): output pixel i takes
// input pixel floor((i + 0.5) * in / out). Index gathering keeps the dtype
// and every value exactly (torch's plain "nearest" is off by half a pixel).
at::Tensor nearest_resize(const at::Tensor& data, const std::vector<int64_t>& size) {
  at::Tensor y = data;
  for (size_t a = 0; a < size.size(); ++a) {
    const int64_t in = data.size(static_cast<int64_t>(a) + 1), out = size[a];
    if (in == out) continue;
    std::vector<int64_t> idx(out);
    for (int64_t i = 0; i < out; ++i)
      idx[i] = std::min<int64_t>(in - 1, static_cast<int64_t>(std::floor(
                                             (static_cast<double>(i) + 0.5) * in / out)));
    y = y.index_select(static_cast<int64_t>(a) + 1,
                       torch::tensor(idx, torch::kLong).to(y.device()));
  }
  return y.contiguous();
}

at::Tensor interpolate(const at::Tensor& data, const std::vector<int64_t>& size, bool nearest) {
  if (nearest) return nearest_resize(data, size);
  const int dims = static_cast<int>(size.size());
  at::Tensor x = data.unsqueeze(0);
  // float64 keeps its precision; everything else is interpolated in float32.
  if (x.scalar_type() != torch::kDouble) x = x.to(torch::kFloat);
  auto opts = F::InterpolateFuncOptions().size(size).align_corners(false);
  if (dims == 1) opts = opts.mode(torch::kLinear);
  else if (dims == 2) opts = opts.mode(torch::kBilinear);
  else opts = opts.mode(torch::kTrilinear);
  return F::interpolate(x, opts).squeeze(0);
}

void resize_image(Image& im, const std::vector<int64_t>& size, bool nearest) {
  const int dims = im.dims();
  auto shape = im.spatial_shape();
  Geometry g = im.geometry;
  std::array<double, 3> first_centre{0, 0, 0};  // old continuous index of new pixel 0
  for (int a = 0; a < dims; ++a) {
    const int j = image_axis(dims, a);
    const double scale = static_cast<double>(shape[a]) / static_cast<double>(size[a]);
    g.spacing[j] = im.geometry.spacing[j] * scale;
    first_centre[j] = 0.5 * scale - 0.5;
  }
  g.origin = im.geometry.index_to_physical(first_centre);
  at::Tensor y = interpolate(im.data, size, nearest);
  // Nearest keeps the pixel type; linear gives float32 (float64 stays).
  const PixelType t = nearest ? im.pixel_type : pixel_type_of(y.scalar_type());
  im.data = y;
  im.pixel_type = t;
  im.geometry = g;
}


void permute_image(Image& im, const std::vector<int64_t>& perm) {
  const int dims = im.dims();
  std::vector<int64_t> p{0};
  Geometry g = im.geometry;
  for (int a = 0; a < dims; ++a) {
    p.push_back(perm[a] + 1);
    const int k = image_axis(dims, a), j = image_axis(dims, static_cast<int>(perm[a]));
    g.spacing[k] = im.geometry.spacing[j];
    for (int r = 0; r < 3; ++r) g.set_dir(r, k, im.geometry.dir(r, j));
  }
  im.data = im.data.permute(p).contiguous();
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

void permute(Sample& s, const std::vector<int64_t>& perm) {
  const int dims = s.image.dims();
  std::vector<int64_t> seen(perm.begin(), perm.end());
  std::sort(seen.begin(), seen.end());
  for (int a = 0; a < dims; ++a)
    if (static_cast<int>(perm.size()) != dims || seen[a] != a)
      throw std::logic_error("spatial_ops::permute: not a permutation of the spatial axes");
  bool trivial = true;
  for (int a = 0; a < dims; ++a) trivial &= perm[a] == a;
  if (trivial) return;
  permute_image(s.image, perm);
  if (s.mask) permute_image(*s.mask, perm);
  for (Box& b : s.boxes) {
    if (b.dims != dims) continue;
    Box o = b;
    for (int a = 0; a < dims; ++a) {
      const int k = image_axis(dims, a), j = image_axis(dims, static_cast<int>(perm[a]));
      o.lo[k] = b.lo[j];
      o.hi[k] = b.hi[j];
    }
    b = o;
  }
}

void rot90(Sample& s, int64_t k, int64_t a, int64_t b) {
  const int dims = s.image.dims();
  if (a == b || a < 0 || b < 0 || a >= dims || b >= dims)
    throw std::logic_error("spatial_ops::rot90: bad axes");
  k = ((k % 4) + 4) % 4;
  std::vector<int64_t> perm(dims);
  for (int i = 0; i < dims; ++i) perm[i] = i;
  std::swap(perm[a], perm[b]);
  for (int64_t t = 0; t < k; ++t) {
    flip(s, {b});
    permute(s, perm);
  }
}

void resize(Sample& s, const std::vector<int64_t>& size, bool nearest_image) {
  auto shape = s.image.spatial_shape();
  if (size == shape) return;
  const int dims = s.image.dims();
  resize_image(s.image, size, nearest_image);
  if (s.mask) resize_image(*s.mask, size, /*nearest=*/true);
  for (Box& b : s.boxes)
    for (int a = 0; a < dims; ++a) {
      const int j = image_axis(dims, a);
      if (j >= b.dims) continue;
      const double f = static_cast<double>(size[a]) / static_cast<double>(shape[a]);
      b.lo[j] *= f;
      b.hi[j] *= f;
    }
}

}  // namespace medcnn::spatial_ops
