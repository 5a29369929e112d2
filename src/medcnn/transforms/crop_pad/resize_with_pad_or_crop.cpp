#include "medcnn/transforms/crop_pad/resize_with_pad_or_crop.h"

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

ResizeWithPadOrCrop::ResizeWithPadOrCrop(const Params& p) {
  check_keys(p, name(), {"spatial_size", "value"});
  if (p.is_null() || !p.contains("spatial_size"))
    throw ConfigError(name() + ".spatial_size", "required (one integer or one per axis)");
  spatial_size_ = param_ints(p, name(), "spatial_size", {});
  if (spatial_size_.empty() || spatial_size_.size() > 3)
    throw ConfigError(name() + ".spatial_size", "give 1 to 3 integers");
  value_ = param_double(p, name(), "value", 0.0);
}

void ResizeWithPadOrCrop::apply(Sample& sample, Rng& /*rng*/) const {
  auto shape = sample.image.spatial_shape();
  auto target = spatial_ops::resolve_size(spatial_size_, shape, name(), "spatial_size");
  const size_t dims = shape.size();
  std::vector<int64_t> before(dims, 0), after(dims, 0), start(dims, 0), size(dims);
  bool pad = false, crop = false;
  for (size_t a = 0; a < dims; ++a) {
    const int64_t extra = std::max<int64_t>(0, target[a] - shape[a]);
    before[a] = extra / 2;
    after[a] = extra - before[a];
    pad |= extra > 0;
    const int64_t padded = shape[a] + extra;
    size[a] = std::min(padded, target[a]);
    start[a] = padded / 2 - size[a] / 2;
    crop |= size[a] < padded;
  }
  if (pad) spatial_ops::pad(sample, before, after, value_);
  if (crop) spatial_ops::crop(sample, start, size);
}

MEDCNN_REGISTER_TRANSFORM(ResizeWithPadOrCrop)

}  // namespace medcnn
