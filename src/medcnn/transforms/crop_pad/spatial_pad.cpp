#include "medcnn/transforms/crop_pad/spatial_pad.h"

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

SpatialPad::SpatialPad(const Params& p) {
  check_keys(p, name(), {"spatial_size", "method", "mode", "value"});
  if (p.is_null() || !p.contains("spatial_size"))
    throw ConfigError(name() + ".spatial_size", "required (one integer or one per axis)");
  spatial_size_ = param_ints(p, name(), "spatial_size", {});
  if (spatial_size_.empty() || spatial_size_.size() > 3)
    throw ConfigError(name() + ".spatial_size", "give 1 to 3 integers");
  const std::string method = param_string(p, name(), "method", "symmetric");
  if (method != "symmetric" && method != "end")
    throw ConfigError(name() + ".method", "unknown method '" + method + "' (use symmetric or end)");
  symmetric_ = method == "symmetric";
  const std::string mode = param_string(p, name(), "mode", "constant");
  if (mode != "constant")
    throw ConfigError(name() + ".mode", "unsupported mode '" + mode + "' (only constant)");
  value_ = param_double(p, name(), "value", 0.0);
}

void SpatialPad::apply(Sample& sample, Rng& /*rng*/) const {
  auto shape = sample.image.spatial_shape();
  auto target = spatial_ops::resolve_size(spatial_size_, shape, name(), "spatial_size");
  std::vector<int64_t> before(shape.size(), 0), after(shape.size(), 0);
  bool any = false;
  for (size_t a = 0; a < shape.size(); ++a) {
    const int64_t extra = std::max<int64_t>(0, target[a] - shape[a]);
    before[a] = symmetric_ ? extra / 2 : 0;
    after[a] = extra - before[a];
    any |= extra > 0;
  }
  if (any) spatial_ops::pad(sample, before, after, value_);
}


MEDCNN_REGISTER_TRANSFORM(SpatialPad)

}  // namespace medcnn
