#include "medcnn/transforms/intensity/adjust_contrast.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

at::Tensor adjust_contrast(at::Tensor x, double gamma, bool invert_image, bool retain_stats) {
  // In-place float32 ops; the statistics are reduced with double
  // accumulators by torch.
  if (invert_image) x.neg_();
  double mean = 0.0, sd = 0.0;
  if (retain_stats) {
    mean = x.mean().item<double>();
    sd = x.numel() > 1 ? x.std().item<double>() : 0.0;
  }
  auto mm = torch::aminmax(x);
  const double mn = std::get<0>(mm).item<double>();
  const double range = std::get<1>(mm).item<double>() - mn;
  x.sub_(mn).div_(range + 1e-7).clamp_min_(0.0).pow_(gamma).mul_(range).add_(mn);
  if (retain_stats) {
    const double ym = x.mean().item<double>();
    const double ys = x.numel() > 1 ? x.std().item<double>() : 0.0;
    x.sub_(ym).div_(ys + 1e-8).mul_(sd).add_(mean);
  }
  if (invert_image) x.neg_();
  return x;
}

AdjustContrast::AdjustContrast(const Params& p) {
  check_keys(p, name(), {"gamma", "invert_image", "retain_stats"});
  if (!p.contains("gamma") || !p["gamma"].is_number())
    throw ConfigError(name() + ".gamma", "expected a number > 0 (the gamma to apply)");
  gamma_ = p["gamma"].get<double>();
  if (!(gamma_ > 0)) throw ConfigError(name() + ".gamma", "must be > 0");
  invert_image_ = param_bool(p, name(), "invert_image", false);
  retain_stats_ = param_bool(p, name(), "retain_stats", false);
}

void AdjustContrast::apply(Sample& sample, Rng&) const {
  intensity_ops::set_float(sample, adjust_contrast(intensity_ops::float_copy(sample.image), gamma_,
                                                   invert_image_, retain_stats_));
}

MEDCNN_REGISTER_TRANSFORM(AdjustContrast)

}  // namespace medcnn
