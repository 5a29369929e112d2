#include "medcnn/transforms/intensity/rand_contrast.h"

#include <torch/torch.h>

#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandContrast::RandContrast(const Params& p) {
  check_keys(p, name(), {"contrast_range", "preserve_range", "per_channel", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.15);
  std::tie(lo_, hi_) = intensity_ops::param_range(p, name(), "contrast_range", {0.75, 1.25}, 1.0);
  preserve_range_ = param_bool(p, name(), "preserve_range", true);
  per_channel_ = param_bool(p, name(), "per_channel", true);
}

void RandContrast::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  auto factor = [&] {
    if (hi_ <= 1.0 || lo_ >= 1.0) return rng.uniform(lo_, hi_);
    if (rng.uniform() < 0.5) return rng.uniform(lo_, 1.0);
    return rng.uniform(1.0, hi_);
  };
  at::Tensor x = intensity_ops::float_copy(sample.image);
  const double shared = per_channel_ ? 0.0 : factor();
  for (int64_t c = 0; c < x.size(0); ++c) {
    at::Tensor ch = x[c];
    const double f = per_channel_ ? factor() : shared;
    const double mn = ch.mean().item<double>();
    const double lo = ch.min().item<double>(), hi = ch.max().item<double>();
    at::Tensor y = (ch - mn) * f + mn;
    if (preserve_range_) y = y.clamp(lo, hi);
    ch.copy_(y);
  }
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandContrast)

}  // namespace medcnn
