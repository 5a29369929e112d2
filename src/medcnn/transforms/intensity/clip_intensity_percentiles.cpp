#include "medcnn/transforms/intensity/clip_intensity_percentiles.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

ClipIntensityPercentiles::ClipIntensityPercentiles(const Params& p) {
  check_keys(p, name(), {"lower", "upper", "channel_wise"});
  auto opt = [&](const char* key, double def) -> std::optional<double> {
    if (!p.is_null() && p.contains(key) && p[key].is_null()) return std::nullopt;
    const double v = param_double(p, name(), key, def);
    if (!(v >= 0 && v <= 100)) throw ConfigError(name() + "." + key, "must be in [0, 100]");
    return v;
  };
  lower_ = opt("lower", 0.5);
  upper_ = opt("upper", 99.5);
  if (lower_ && upper_ && *lower_ > *upper_)
    throw ConfigError(name() + ".lower", "must be <= upper");
  channel_wise_ = param_bool(p, name(), "channel_wise", false);
}

void ClipIntensityPercentiles::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = intensity_ops::float_copy(sample.image);
  auto one = [&](at::Tensor t) {
    const auto [lo, hi] = intensity_ops::percentiles(t, lower_.value_or(0), upper_.value_or(100));
    c10::optional<at::Scalar> a, b;
    if (lower_) a = lo;
    if (upper_) b = hi;
    t.copy_(t.to(torch::kDouble).clamp(a, b));
  };
  if (channel_wise_)
    for (int64_t c = 0; c < x.size(0); ++c) one(x[c]);
  else
    one(x);
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(ClipIntensityPercentiles)

}  // namespace medcnn
