#include "medcnn/transforms/intensity/rand_brightness.h"

#include <torch/torch.h>

#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandBrightness::RandBrightness(const Params& p) {
  check_keys(p, name(), {"multiplier_range", "per_channel", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.15);
  std::tie(lo_, hi_) = intensity_ops::param_range(p, name(), "multiplier_range", {0.75, 1.25}, 1.0);
  per_channel_ = param_bool(p, name(), "per_channel", true);
}

void RandBrightness::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  at::Tensor x = intensity_ops::float_copy(sample.image);
  if (per_channel_)
    for (int64_t c = 0; c < x.size(0); ++c) x[c].mul_(rng.uniform(lo_, hi_));
  else
    x.mul_(rng.uniform(lo_, hi_));
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandBrightness)

}  // namespace medcnn
