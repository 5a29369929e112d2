#include "medcnn/transforms/intensity/normalize_intensity.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

namespace {

std::vector<double> number_or_list(const Params& p, const std::string& key) {
  if (p.is_null() || !p.contains(key) || p[key].is_null()) return {};
  const auto& v = p[key];
  if (v.is_number()) return {v.get<double>()};
  if (v.is_array() && !v.empty()) {
    std::vector<double> out;
    for (const auto& x : v) {
      if (!x.is_number()) throw ConfigError("NormalizeIntensity." + key, "expected numbers");
      out.push_back(x.get<double>());
    }
    return out;
  }
  throw ConfigError("NormalizeIntensity." + key, "expected a number or a list of numbers");
}

double pick(const std::vector<double>& v, int64_t c, int64_t channels, const char* key) {
  if (v.size() == 1) return v[0];
  if (static_cast<int64_t>(v.size()) != channels)
    throw ConfigError(std::string("NormalizeIntensity.") + key,
                      "has " + std::to_string(v.size()) + " values for an image with " +
                          std::to_string(channels) + " channels");
  return v[c];
}

// fg: foreground (broadcastable to t) whose pixels give the statistics, or undefined.
void normalize(at::Tensor t, std::optional<double> sub, std::optional<double> div, bool nonzero,
               const at::Tensor& fg = {}) {
  at::Tensor sel;
  at::Tensor vals;
  if (nonzero) {
    sel = t != 0;
    vals = t.masked_select(fg.defined() ? sel & fg : sel);
  } else {
    vals = fg.defined() ? t.masked_select(fg.expand_as(t)) : t.reshape({-1});
  }
  if (vals.numel() == 0) return;
  const at::Tensor v64 = vals.to(torch::kDouble);
  const double m = sub ? *sub : v64.mean().item<double>();
  double d = div ? *div : v64.std(/*unbiased=*/false).item<double>();
  if (d == 0.0) d = 1.0;
  if (nonzero)
    t.copy_(torch::where(sel, (t - m) / d, t));
  else
    t.sub_(m).div_(d);
}

}  // namespace

NormalizeIntensity::NormalizeIntensity(const Params& p) {
  check_keys(p, name(), {"subtrahend", "divisor", "nonzero", "channel_wise", "use_mask"});
  subtrahend_ = number_or_list(p, "subtrahend");
  divisor_ = number_or_list(p, "divisor");
  nonzero_ = param_bool(p, name(), "nonzero", false);
  channel_wise_ = param_bool(p, name(), "channel_wise", true);
  use_mask_ = param_bool(p, name(), "use_mask", false);
  if (!channel_wise_ && (subtrahend_.size() > 1 || divisor_.size() > 1))
    throw ConfigError(name(), "per-channel subtrahend/divisor need channel_wise = true");
}

void NormalizeIntensity::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = sample.image.data.to(torch::kFloat, /*non_blocking=*/false, /*copy=*/true);
  const int64_t channels = x.size(0);
  auto opt = [&](const std::vector<double>& v, int64_t c, const char* key) -> std::optional<double> {
    if (v.empty()) return std::nullopt;
    return pick(v, c, channels, key);
  };
  at::Tensor fg;
  if (use_mask_) fg = intensity_ops::foreground(sample, name());
  if (channel_wise_) {
    for (int64_t c = 0; c < channels; ++c)
      normalize(x[c], opt(subtrahend_, c, "subtrahend"), opt(divisor_, c, "divisor"), nonzero_, fg);
  } else {
    normalize(x, opt(subtrahend_, 0, "subtrahend"), opt(divisor_, 0, "divisor"), nonzero_,
              fg.defined() ? fg.unsqueeze(0) : fg);
  }
  sample.image = sample.image.with_data(x, PixelType::Float32);
}


MEDCNN_REGISTER_TRANSFORM(NormalizeIntensity)

}  // namespace medcnn
