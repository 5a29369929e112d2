#include "medcnn/transforms/intensity/rand_adjust_contrast.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/adjust_contrast.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandAdjustContrast::RandAdjustContrast(const Params& p) {
  check_keys(p, name(), {"gamma", "prob", "invert_image", "retain_stats"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  std::tie(lo_, hi_) =
      intensity_ops::param_range(p, name(), "gamma", {0.5, 4.5}, 0.5, /*number_is_hi=*/true);
  if (!(lo_ > 0)) throw ConfigError(name() + ".gamma", "must be > 0");
  invert_image_ = param_bool(p, name(), "invert_image", false);
  retain_stats_ = param_bool(p, name(), "retain_stats", false);
}

void RandAdjustContrast::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const double gamma = rng.uniform(lo_, hi_);
  intensity_ops::set_float(sample, adjust_contrast(intensity_ops::float_copy(sample.image), gamma,
                                                   invert_image_, retain_stats_));
}

MEDCNN_REGISTER_TRANSFORM(RandAdjustContrast)

}  // namespace medcnn
