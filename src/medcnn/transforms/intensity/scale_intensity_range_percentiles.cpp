#include "medcnn/transforms/intensity/scale_intensity_range_percentiles.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

namespace {
void check_percentiles(const std::string& t, double lower, double upper) {
  if (!(lower >= 0 && lower <= 100)) throw ConfigError(t + ".lower", "must be in [0, 100]");
  if (!(upper >= 0 && upper <= 100)) throw ConfigError(t + ".upper", "must be in [0, 100]");
  if (lower > upper) throw ConfigError(t + ".lower", "must be <= upper");
}
}  // namespace

ScaleIntensityRangePercentiles::ScaleIntensityRangePercentiles(const Params& p) {
  check_keys(p, name(), {"lower", "upper", "b_min", "b_max", "clip", "relative", "channel_wise"});
  lower_ = param_double(p, name(), "lower", 0.5);
  upper_ = param_double(p, name(), "upper", 99.5);
  check_percentiles(name(), lower_, upper_);
  b_min_ = param_double(p, name(), "b_min", 0.0);
  b_max_ = param_double(p, name(), "b_max", 1.0);
  clip_ = param_bool(p, name(), "clip", false);
  relative_ = param_bool(p, name(), "relative", false);
  channel_wise_ = param_bool(p, name(), "channel_wise", false);
}

void ScaleIntensityRangePercentiles::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = intensity_ops::float_copy(sample.image);
  double b_min = b_min_, b_max = b_max_;
  if (relative_) {
    b_min = (b_max_ - b_min_) * lower_ / 100.0 + b_min_;
    b_max = (b_max_ - b_min_) * upper_ / 100.0 + b_min_;
  }
  auto one = [&](at::Tensor t) {
    const auto [a_min, a_max] = intensity_ops::percentiles(t, lower_, upper_);
    at::Tensor t64 = t.to(torch::kDouble);
    at::Tensor r = (a_max == a_min) ? t64 - a_min + b_min
                                    : (t64 - a_min) / (a_max - a_min) * (b_max - b_min) + b_min;
    if (clip_) r = r.clamp(std::min(b_min, b_max), std::max(b_min, b_max));
    t.copy_(r);
  };
  if (channel_wise_)
    for (int64_t c = 0; c < x.size(0); ++c) one(x[c]);
  else
    one(x);
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(ScaleIntensityRangePercentiles)

}  // namespace medcnn
