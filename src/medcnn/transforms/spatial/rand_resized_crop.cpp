#include "medcnn/transforms/spatial/rand_resized_crop.h"

#include <algorithm>
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

namespace {
std::pair<double, double> range_param(const Params& p, const std::string& t, const std::string& key,
                                      std::pair<double, double> def) {
  if (p.is_null() || !p.contains(key)) return def;
  const Params& v = p.at(key);
  if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
    throw ConfigError(t + "." + key, "expected [lo, hi]");
  std::pair<double, double> r{v[0].get<double>(), v[1].get<double>()};
  if (!(r.first > 0.0 && r.first <= r.second)) throw ConfigError(t + "." + key, "need 0 < lo <= hi");
  return r;
}
}  // namespace

RandResizedCrop::RandResizedCrop(const Params& p) {
  check_keys(p, name(), {"size", "scale", "ratio", "prob", "mode"});
  if (p.is_null() || !p.contains("size"))
    throw ConfigError(name() + ".size", "required (one integer or [H, W])");
  size_ = param_ints(p, name(), "size", {});
  if (size_.empty() || size_.size() > 2) throw ConfigError(name() + ".size", "give 1 or 2 integers");
  for (int64_t s : size_)
    if (s < 1) throw ConfigError(name() + ".size", "must be >= 1");
  std::tie(scale_lo_, scale_hi_) = range_param(p, name(), "scale", {0.08, 1.0});
  std::tie(ratio_lo_, ratio_hi_) = range_param(p, name(), "ratio", {3.0 / 4.0, 4.0 / 3.0});
  if (scale_hi_ > 1.0) throw ConfigError(name() + ".scale", "must lie in (0, 1]");
  prob_ = param_prob(p, name(), 1.0);
  const std::string mode = param_string(p, name(), "mode", "linear");
  if (mode == "nearest") nearest_ = true;
  else if (mode != "linear" && mode != "bilinear")
    throw ConfigError(name() + ".mode", "unknown mode '" + mode + "' (use linear or nearest)");
}

std::array<int64_t, 4> RandResizedCrop::crop_params(int64_t height, int64_t width, Rng& rng) const {
  const double area = static_cast<double>(height) * static_cast<double>(width);
  const double log_lo = std::log(ratio_lo_), log_hi = std::log(ratio_hi_);
  for (int attempt = 0; attempt < 10; ++attempt) {
    const double target = area * rng.uniform(scale_lo_, scale_hi_);
    const double aspect = std::exp(rng.uniform(log_lo, log_hi));
    const int64_t w = std::llround(std::sqrt(target * aspect));
    const int64_t h = std::llround(std::sqrt(target / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const int64_t top = rng.randint(0, height - h), left = rng.randint(0, width - w);
      return {top, left, h, w};
    }
  }
  // Fallback: central crop.
  const double in_ratio = static_cast<double>(width) / static_cast<double>(height);
  int64_t w = width, h = height;
  if (in_ratio < ratio_lo_) {
    h = std::llround(static_cast<double>(w) / ratio_lo_);
  } else if (in_ratio > ratio_hi_) {
    w = std::llround(static_cast<double>(h) * ratio_hi_);
  }
  h = std::clamp<int64_t>(h, 1, height);
  w = std::clamp<int64_t>(w, 1, width);
  return {(height - h) / 2, (width - w) / 2, h, w};
}

void RandResizedCrop::apply(Sample& sample, Rng& rng) const {
  if (sample.image.dims() != 2)
    throw ConfigError(name(), "works on 2-D images only (got " +
                                  std::to_string(sample.image.dims()) + "-D)");
  auto shape = sample.image.spatial_shape();
  const std::vector<int64_t> out{size_[0], size_.size() == 2 ? size_[1] : size_[0]};
  if (rng.bernoulli(prob_)) {
    auto c = crop_params(shape[0], shape[1], rng);
    spatial_ops::crop(sample, {c[0], c[1]}, {c[2], c[3]});
  }
  spatial_ops::resize(sample, out, nearest_);
}

MEDCNN_REGISTER_TRANSFORM(RandResizedCrop)

}  // namespace medcnn
