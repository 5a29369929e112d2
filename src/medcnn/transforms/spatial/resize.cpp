#include "medcnn/transforms/spatial/resize.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

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


void Resize::apply(Sample& sample, Rng& /*rng*/) const {
  auto shape = sample.image.spatial_shape();
  auto size = spatial_ops::resolve_size(spatial_size_, shape, name(), "spatial_size");
  if (size == shape) return;
  spatial_ops::resize(sample, size, nearest_);
}


MEDCNN_REGISTER_TRANSFORM(Resize)

}  // namespace medcnn
