#include "medcnn/transforms/crop_pad/crop_foreground.h"

#include <torch/torch.h>

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

CropForeground::CropForeground(const Params& p) {
  check_keys(p, name(), {"source", "threshold", "margin", "k_divisible", "value"});
  const std::string source = param_string(p, name(), "source", "image");
  if (source != "image" && source != "mask")
    throw ConfigError(name() + ".source", "unknown source '" + source + "' (use image or mask)");
  from_mask_ = source == "mask";
  threshold_ = param_double(p, name(), "threshold", 0.0);
  value_ = param_double(p, name(), "value", 0.0);
  margin_ = param_ints(p, name(), "margin", {0});
  k_divisible_ = param_ints(p, name(), "k_divisible", {1});
  if (margin_.empty() || margin_.size() > 3)
    throw ConfigError(name() + ".margin", "give 1 to 3 integers");
  if (k_divisible_.empty() || k_divisible_.size() > 3)
    throw ConfigError(name() + ".k_divisible", "give 1 to 3 integers");
  for (int64_t m : margin_)
    if (m < 0) throw ConfigError(name() + ".margin", "must be >= 0");
  for (int64_t k : k_divisible_)
    if (k < 1) throw ConfigError(name() + ".k_divisible", "must be >= 1");
}

std::pair<std::vector<int64_t>, std::vector<int64_t>> CropForeground::box(
    const Sample& sample) const {
  const int dims = sample.image.dims();
  auto shape = sample.image.spatial_shape();
  at::Tensor fg;
  if (from_mask_) {
    if (!sample.mask) throw ConfigError(name() + ".source", "'mask' but the sample has no mask");
    fg = (sample.mask->data != 0).any(0);
  } else {
    fg = (sample.image.data > threshold_).any(0);
  }
  if (!fg.any().item<bool>()) return {};
  // resolve_size checks the lengths (all values here are >= 0 / >= 1, so
  // its "<= 0 keeps the axis" rule only concerns a margin of 0: undone).
  spatial_ops::resolve_size(margin_, shape, name(), "margin");
  auto k = spatial_ops::resolve_size(k_divisible_, shape, name(), "k_divisible");
  std::vector<int64_t> margin(dims);
  for (int a = 0; a < dims; ++a) margin[a] = margin_.size() == 1 ? margin_[0] : margin_[a];
  std::vector<int64_t> start(dims), end(dims);
  for (int a = 0; a < dims; ++a) {
    at::Tensor line = fg;
    for (int b = dims - 1; b >= 0; --b)
      if (b != a) line = line.any(b);
    at::Tensor idx = torch::nonzero(line).reshape({-1}).cpu();
    const int64_t lo = idx.min().item<int64_t>(), hi = idx.max().item<int64_t>() + 1;
    start[a] = std::max<int64_t>(0, lo - margin[a]);
    end[a] = std::min<int64_t>(shape[a], hi + margin[a]);
    const int64_t size = end[a] - start[a];
    const int64_t target = (size + k[a] - 1) / k[a] * k[a];
    const int64_t extra = target - size;
    start[a] -= extra / 2;
    end[a] = start[a] + target;
  }
  return {start, end};
}

void CropForeground::apply(Sample& sample, Rng& /*rng*/) const {
  auto [start, end] = box(sample);
  if (start.empty()) return;
  auto shape = sample.image.spatial_shape();
  const size_t dims = shape.size();
  std::vector<int64_t> c_start(dims), c_size(dims), before(dims), after(dims);
  bool pad = false;
  for (size_t a = 0; a < dims; ++a) {
    c_start[a] = std::max<int64_t>(0, start[a]);
    c_size[a] = std::min<int64_t>(shape[a], end[a]) - c_start[a];
    before[a] = std::max<int64_t>(0, -start[a]);
    after[a] = std::max<int64_t>(0, end[a] - shape[a]);
    pad |= before[a] > 0 || after[a] > 0;
  }
  spatial_ops::crop(sample, c_start, c_size);
  if (pad) spatial_ops::pad(sample, before, after, value_);
}

MEDCNN_REGISTER_TRANSFORM(CropForeground)

}  // namespace medcnn
