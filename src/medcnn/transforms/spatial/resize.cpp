#include "medcnn/transforms/spatial/resize.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

namespace F = torch::nn::functional;

Resize::Resize(const Params& p) {
  check_keys(p, name(), {"spatial_size", "mode"});
  if (p.is_null() || !p.contains("spatial_size"))
    throw ConfigError(name() + ".spatial_size", "required (one integer or one per axis)");
  spatial_size_ = param_ints(p, name(), "spatial_size", {});
  if (spatial_size_.empty() || spatial_size_.size() > 3)
    throw ConfigError(name() + ".spatial_size", "give 1 to 3 integers");
  const std::string mode = param_string(p, name(), "mode", "linear");
  if (mode == "nearest")
    nearest_ = true;
  else if (mode != "linear" && mode != "bilinear" && mode != "trilinear")
    throw ConfigError(name() + ".mode",
                      "unknown mode '" + mode + "' (use linear, bilinear, trilinear or nearest)");
}

namespace {

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
    const int j = spatial_ops::image_axis(dims, a);
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

}  // namespace

void Resize::apply(Sample& sample, Rng& /*rng*/) const {
  auto shape = sample.image.spatial_shape();
  auto size = spatial_ops::resolve_size(spatial_size_, shape, name(), "spatial_size");
  if (size == shape) return;
  const int dims = sample.image.dims();
  resize_image(sample.image, size, nearest_);
  if (sample.mask) resize_image(*sample.mask, size, /*nearest=*/true);
  for (Box& b : sample.boxes)
    for (int a = 0; a < dims; ++a) {
      const int j = spatial_ops::image_axis(dims, a);
      if (j >= b.dims) continue;
      const double f = static_cast<double>(size[a]) / static_cast<double>(shape[a]);
      b.lo[j] *= f;
      b.hi[j] *= f;
    }
}


MEDCNN_REGISTER_TRANSFORM(Resize)

}  // namespace medcnn
