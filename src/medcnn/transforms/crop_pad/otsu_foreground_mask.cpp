#include "medcnn/transforms/crop_pad/otsu_foreground_mask.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

OtsuForegroundMask::OtsuForegroundMask(const Params& p) {
  check_keys(p, name(), {"mode", "fill", "bins", "rgb", "invert"});
  const std::string mode = param_string(p, name(), "mode", "mask");
  if (mode != "mask" && mode != "zero")
    throw ConfigError(name() + ".mode", "unknown mode '" + mode + "' (use mask or zero)");
  zero_ = mode == "zero";
  fill_ = param_double(p, name(), "fill", 0.0);
  bins_ = param_int(p, name(), "bins", 256);
  if (bins_ < 2) throw ConfigError(name() + ".bins", "must be >= 2");
  const std::string rgb = param_string(p, name(), "rgb", "grey");
  if (rgb != "grey" && rgb != "gray" && rgb != "saturation")
    throw ConfigError(name() + ".rgb", "unknown value '" + rgb + "' (use grey or saturation)");
  saturation_ = rgb == "saturation";
  invert_ = param_bool(p, name(), "invert", false);
}

double OtsuForegroundMask::otsu_threshold(const at::Tensor& x, int64_t bins) {
  at::Tensor v = x.reshape({-1}).to(torch::kDouble);
  const double lo = v.min().item<double>(), hi = v.max().item<double>();
  if (!(hi > lo)) return lo;
  at::Tensor hist = torch::histc(v, bins, lo, hi).cpu();
  auto h = hist.accessor<double, 1>();
  const double width = (hi - lo) / static_cast<double>(bins);
  std::vector<double> centre(bins), w1(bins), m1(bins), w2(bins), m2(bins);
  for (int64_t i = 0; i < bins; ++i) centre[i] = lo + (static_cast<double>(i) + 0.5) * width;
  double cw = 0, cm = 0;
  for (int64_t i = 0; i < bins; ++i) {
    cw += h[i];
    cm += h[i] * centre[i];
    w1[i] = cw;
    m1[i] = cw > 0 ? cm / cw : 0.0;
  }
  cw = cm = 0;
  for (int64_t i = bins - 1; i >= 0; --i) {
    cw += h[i];
    cm += h[i] * centre[i];
    w2[i] = cw;
    m2[i] = cw > 0 ? cm / cw : 0.0;
  }
  int64_t best = 0;
  double best_v = -1.0;
  for (int64_t i = 0; i + 1 < bins; ++i) {
    const double d = m1[i] - m2[i + 1];
    const double var = w1[i] * w2[i + 1] * d * d;
    if (var > best_v) best_v = var, best = i;
  }
  return centre[best];
}

at::Tensor OtsuForegroundMask::foreground(const Image& image) const {
  at::Tensor x = image.data.to(torch::kDouble);
  const int64_t c = x.size(0);
  at::Tensor fg;
  if (c == 3 || c == 4) {
    at::Tensor rgb = x.narrow(0, 0, 3);
    if (saturation_) {
      at::Tensor mx = std::get<0>(rgb.max(0)), mn = std::get<0>(rgb.min(0));
      at::Tensor s = torch::where(mx > 0, (mx - mn) / mx.clamp_min(1e-300), torch::zeros_like(mx));
      fg = s > otsu_threshold(s, bins_);
    } else {
      at::Tensor grey = rgb[0] * 0.299 + rgb[1] * 0.587 + rgb[2] * 0.114;
      fg = grey <= otsu_threshold(grey, bins_);
      if (grey.max().item<double>() == grey.min().item<double>()) fg = torch::zeros_like(fg);
    }
  } else {
    at::Tensor grey = c == 1 ? x[0] : x.mean(0);
    fg = grey > otsu_threshold(grey, bins_);
  }
  return invert_ ? ~fg : fg;
}

void OtsuForegroundMask::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor fg = foreground(sample.image);
  if (zero_) {
    sample.image.data = sample.image.data.masked_fill(~fg.unsqueeze(0), fill_);
  } else {
    sample.mask = Image(fg.to(torch::kUInt8).unsqueeze(0).contiguous(), sample.image.geometry,
                        PixelType::UInt8);
  }
}

MEDCNN_REGISTER_TRANSFORM(OtsuForegroundMask)

}  // namespace medcnn
