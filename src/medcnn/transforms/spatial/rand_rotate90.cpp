#include "medcnn/transforms/spatial/rand_rotate90.h"

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

RandRotate90::RandRotate90(const Params& p) {
  check_keys(p, name(), {"prob", "max_k", "spatial_axes"});
  prob_ = param_prob(p, name(), 0.1);
  max_k_ = param_int(p, name(), "max_k", 3);
  if (max_k_ < 1) throw ConfigError(name() + ".max_k", "must be >= 1");
  axes_ = param_ints(p, name(), "spatial_axes", {0, 1});
  if (axes_.size() != 2) throw ConfigError(name() + ".spatial_axes", "give exactly two axes");
  for (int64_t a : axes_)
    if (a < -3 || a > 2)
      throw ConfigError(name() + ".spatial_axes", "axis " + std::to_string(a) + " out of range");
}

void RandRotate90::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const int64_t k = rng.randint(1, max_k_);
  auto axes = spatial_ops::resolve_axes(axes_, sample.image.dims(), name(), "spatial_axes");
  if (axes.size() != 2)
    throw ConfigError(name() + ".spatial_axes", "the two axes must differ");
  spatial_ops::rot90(sample, k, axes[0], axes[1]);
}

MEDCNN_REGISTER_TRANSFORM(RandRotate90)

}  // namespace medcnn
