#include "medcnn/transforms/intensity/rand_adjust_contrast.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
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
  at::Tensor x = sample.image.data.to(torch::kDouble);
  if (invert_image_) x = -x;
  const double mean = x.mean().item<double>();
  const double sd = x.numel() > 1 ? x.std().item<double>() : 0.0;
  const double mn = x.min().item<double>();
  const double range = x.max().item<double>() - mn;
  at::Tensor y = ((x - mn) / (range + 1e-7)).clamp_min(0.0).pow(gamma) * range + mn;
  if (retain_stats_) {
    y = y - y.mean();
    y = y / ((y.numel() > 1 ? y.std().item<double>() : 0.0) + 1e-8) * sd + mean;
  }
  if (invert_image_) y = -y;
  intensity_ops::set_float(sample, y);
}

MEDCNN_REGISTER_TRANSFORM(RandAdjustContrast)

}  // namespace medcnn
