#include "medcnn/transforms/spatial/rand_flip.h"

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

RandFlip::RandFlip(const Params& p) {
  check_keys(p, name(), {"prob", "spatial_axis"});
  prob_ = param_prob(p, name(), 0.1);
  axes_ = param_ints(p, name(), "spatial_axis", {});
  for (int64_t a : axes_)
    if (a < -3 || a > 2)
      throw ConfigError(name() + ".spatial_axis", "axis " + std::to_string(a) + " out of range");
}

void RandFlip::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  spatial_ops::flip(sample,
                    spatial_ops::resolve_axes(axes_, sample.image.dims(), name(), "spatial_axis"));
}


MEDCNN_REGISTER_TRANSFORM(RandFlip)

}  // namespace medcnn
