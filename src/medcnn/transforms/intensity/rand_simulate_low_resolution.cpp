#include "medcnn/transforms/intensity/rand_simulate_low_resolution.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandSimulateLowResolution::RandSimulateLowResolution(const Params& p) {
  check_keys(p, name(), {"zoom_range", "upsample", "per_channel", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.125);
  std::tie(lo_, hi_) = intensity_ops::param_range(p, name(), "zoom_range", {0.5, 1.0}, 1.0);
  if (!(lo_ > 0 && hi_ <= 1.0)) throw ConfigError(name() + ".zoom_range", "must lie in (0, 1]");
  upsample_ = param_string(p, name(), "upsample", "cubic");
  if (upsample_ != "cubic" && upsample_ != "linear")
    throw ConfigError(name() + ".upsample", "must be \"cubic\" or \"linear\"");
  per_channel_ = param_bool(p, name(), "per_channel", false);
}

namespace {
// x: [C, spatial...] float; returns the same shape.
at::Tensor low_res(const at::Tensor& x, double zoom, const std::string& upsample) {
  namespace F = torch::nn::functional;
  const auto full = x.sizes().slice(1).vec();
  std::vector<int64_t> small;
  for (int64_t s : full)
    small.push_back(std::max<int64_t>(1, static_cast<int64_t>(std::llround(s * zoom))));
  at::Tensor b = x.unsqueeze(0);
  at::Tensor down = F::interpolate(
      b, F::InterpolateFuncOptions().size(small).mode(torch::kNearest));
  const size_t dims = full.size();
  F::InterpolateFuncOptions up = F::InterpolateFuncOptions().size(full).align_corners(false);
  if (dims == 1) up.mode(torch::kLinear);
  else if (dims == 2 && upsample == "cubic") up.mode(torch::kBicubic);
  else if (dims == 2) up.mode(torch::kBilinear);
  else up.mode(torch::kTrilinear);
  return F::interpolate(down, up).squeeze(0);
}
}  // namespace

void RandSimulateLowResolution::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  at::Tensor x = intensity_ops::float_copy(sample.image);
  if (per_channel_) {
    std::vector<at::Tensor> out;
    for (int64_t c = 0; c < x.size(0); ++c)
      out.push_back(low_res(x.narrow(0, c, 1), rng.uniform(lo_, hi_), upsample_));
    x = torch::cat(out, 0);
  } else {
    x = low_res(x, rng.uniform(lo_, hi_), upsample_);
  }
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandSimulateLowResolution)

}  // namespace medcnn
