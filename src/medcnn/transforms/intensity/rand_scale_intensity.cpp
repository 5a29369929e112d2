#include "medcnn/transforms/intensity/rand_scale_intensity.h"

#include <torch/torch.h>

#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandScaleIntensity::RandScaleIntensity(const Params& p) {
  check_keys(p, name(), {"factors", "prob", "channel_wise"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  std::tie(lo_, hi_) = intensity_ops::param_range(p, name(), "factors", {-0.1, 0.1});
  channel_wise_ = param_bool(p, name(), "channel_wise", false);
}

void RandScaleIntensity::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  at::Tensor x = intensity_ops::float_copy(sample.image);
  if (channel_wise_)
    for (int64_t c = 0; c < x.size(0); ++c) x[c].mul_(1.0 + rng.uniform(lo_, hi_));
  else
    x.mul_(1.0 + rng.uniform(lo_, hi_));
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandScaleIntensity)

}  // namespace medcnn
