#include "medcnn/transforms/intensity/rand_hue_saturation.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandHueSaturation::RandHueSaturation(const Params& p) {
  check_keys(p, name(), {"hue", "saturation", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  std::tie(hue_lo_, hue_hi_) = intensity_ops::param_range(p, name(), "hue", {-0.05, 0.05});
  std::tie(sat_lo_, sat_hi_) = intensity_ops::param_range(p, name(), "saturation", {0.8, 1.2}, 1.0);
  if (sat_lo_ < 0) throw ConfigError(name() + ".saturation", "factors must be >= 0");
}

namespace {
// skimage.color.rgb2hsv on [3, ...] float64; returns [3, ...] (h in [0, 1)).
at::Tensor rgb2hsv(const at::Tensor& rgb) {
  at::Tensor r = rgb[0], g = rgb[1], b = rgb[2];
  at::Tensor v = torch::max(torch::max(r, g), b);
  at::Tensor delta = v - torch::min(torch::min(r, g), b);
  at::Tensor s = torch::where(v > 0, delta / torch::where(v > 0, v, torch::ones_like(v)), torch::zeros_like(v));
  at::Tensor d = torch::where(delta > 0, delta, torch::ones_like(delta));
  // skimage assigns r, then g, then b: the last match wins.
  at::Tensor h = torch::zeros_like(v);
  h = torch::where(r == v, (g - b) / d, h);
  h = torch::where(g == v, 2.0 + (b - r) / d, h);
  h = torch::where(b == v, 4.0 + (r - g) / d, h);
  h = torch::remainder(h / 6.0, 1.0);
  h = torch::where(delta > 0, h, torch::zeros_like(h));
  return torch::stack({h, s, v});
}

// skimage.color.hsv2rgb.
at::Tensor hsv2rgb(const at::Tensor& hsv) {
  at::Tensor h = hsv[0], s = hsv[1], v = hsv[2];
  at::Tensor hi = torch::floor(h * 6.0);
  at::Tensor f = h * 6.0 - hi;
  at::Tensor p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  hi = torch::remainder(hi, 6.0);
  at::Tensor r = v, g = t, b = p;  // hi == 0
  auto pick = [&](double k, const at::Tensor& rr, const at::Tensor& gg, const at::Tensor& bb) {
    at::Tensor m = hi == k;
    r = torch::where(m, rr, r);
    g = torch::where(m, gg, g);
    b = torch::where(m, bb, b);
  };
  pick(1, q, v, p);
  pick(2, p, v, t);
  pick(3, p, q, v);
  pick(4, t, p, v);
  pick(5, v, p, q);
  return torch::stack({r, g, b});
}
}  // namespace

void RandHueSaturation::apply(Sample& sample, Rng& rng) const {
  if (sample.image.data.dim() < 2 || sample.image.channels() != 3)
    throw DataError(name() + (sample.id.empty() ? "" : " (" + sample.id + ")"),
                    "needs an RGB image with 3 channels");
  if (!rng.bernoulli(prob_)) return;
  const double shift = rng.uniform(hue_lo_, hue_hi_);
  const double factor = rng.uniform(sat_lo_, sat_hi_);
  at::Tensor hsv = rgb2hsv(sample.image.data.to(torch::kDouble).clamp_min(0.0));
  hsv[0] = torch::remainder(hsv[0] + shift, 1.0);
  hsv[1] = (hsv[1] * factor).clamp(0.0, 1.0);
  intensity_ops::set_float(sample, hsv2rgb(hsv));
}

MEDCNN_REGISTER_TRANSFORM(RandHueSaturation)

}  // namespace medcnn
