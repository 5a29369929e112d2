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
  // float32 throughout (one fresh copy, in-place ops); the statistics are
  // reduced with double accumulators by torch.
  at::Tensor x = intensity_ops::float_copy(sample.image);
  if (invert_image_) x.neg_();
  double mean = 0.0, sd = 0.0;
  if (retain_stats_) {
    mean = x.mean().item<double>();
    sd = x.numel() > 1 ? x.std().item<double>() : 0.0;
  }
  auto mm = torch::aminmax(x);
  const double mn = std::get<0>(mm).item<double>();
  const double range = std::get<1>(mm).item<double>() - mn;
  at::Tensor y = x;
  y.sub_(mn).div_(range + 1e-7).clamp_min_(0.0).pow_(gamma).mul_(range).add_(mn);
  if (retain_stats_) {
    const double ym = y.mean().item<double>();
    const double ys = y.numel() > 1 ? y.std().item<double>() : 0.0;
    y.sub_(ym).div_(ys + 1e-8).mul_(sd).add_(mean);
  }
  if (invert_image_) y.neg_();
  intensity_ops::set_float(sample, y);
}

MEDCNN_REGISTER_TRANSFORM(RandAdjustContrast)

}  // namespace medcnn
