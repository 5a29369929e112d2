#include "medcnn/transforms/spatial/rand_elastic.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"

namespace medcnn {

namespace {

std::pair<double, double> parse_pair(const Params& p, const std::string& transform,
                                     const std::string& key, bool positive) {
  const std::string where = transform + "." + key;
  if (p.is_null() || !p.contains(key))
    throw ConfigError(where, "required: [lo, hi] or one number");
  const Params& v = p.at(key);
  std::pair<double, double> r;
  if (v.is_number()) {
    r = {v.get<double>(), v.get<double>()};
  } else if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
    r = {v[0].get<double>(), v[1].get<double>()};
  } else {
    throw ConfigError(where, "expected [lo, hi] or one number");
  }
  if (!(r.first <= r.second)) throw ConfigError(where, "lo > hi");
  if (r.first < 0.0 || (positive && r.first <= 0.0))
    throw ConfigError(where, positive ? "must be > 0" : "must be >= 0");
  return r;
}

// Gaussian smoothing along every spatial axis of f [K, spatial...] (zeros
// outside, kernel truncated at 4 sigma, as scipy.ndimage.gaussian_filter).
at::Tensor gaussian_smooth(at::Tensor f, double sigma) {
  if (sigma <= 0.0) return f;
  const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  at::Tensor x = torch::arange(-radius, radius + 1, f.options()).to(f.scalar_type());
  at::Tensor k = torch::exp(-0.5 * x * x / (sigma * sigma));
  k = (k / k.sum()).view({1, 1, -1});
  const int64_t dims = f.dim() - 1;
  for (int64_t a = 1; a <= dims; ++a) {
    at::Tensor m = f.movedim(a, -1).contiguous();
    auto sizes = m.sizes().vec();
    at::Tensor y = torch::conv1d(m.reshape({-1, 1, sizes.back()}), k, {}, 1, radius);
    f = y.reshape(sizes).movedim(-1, a);
  }
  return f.contiguous();
}

}  // namespace

RandElastic::RandElastic(const Params& p) {
  std::vector<std::string> allowed{"prob", "sigma_range", "magnitude_range", "mode",
                                   "padding_mode"};
  for (const auto& k : AffineRanges::keys()) allowed.push_back(k);
  check_keys(p, name(), allowed);
  prob_ = param_double(p, name(), "prob", 0.1);
  if (!(prob_ >= 0.0 && prob_ <= 1.0))
    throw ConfigError(name() + ".prob", "must be in [0, 1], got " + std::to_string(prob_));
  sigma_ = parse_pair(p, name(), "sigma_range", true);
  magnitude_ = parse_pair(p, name(), "magnitude_range", false);
  ranges_ = AffineRanges(p, name());
  const std::string mode = param_string(p, name(), "mode", "bilinear");
  if (mode == "nearest")
    nearest_ = true;
  else if (mode != "bilinear" && mode != "linear" && mode != "trilinear")
    throw ConfigError(name() + ".mode", "unknown mode '" + mode + "' (use bilinear or nearest)");
  padding_ = spatial_ops::parse_padding(param_string(p, name(), "padding_mode", "zeros"), name(),
                                        "padding_mode");
}

ElasticDraw RandElastic::draw(const std::vector<int64_t>& shape, Rng& rng) const {
  ElasticDraw d;
  d.applied = rng.bernoulli(prob_);
  if (!d.applied) return d;
  d.sigma = rng.uniform(sigma_.first, sigma_.second);
  d.magnitude = rng.uniform(magnitude_.first, magnitude_.second);
  d.seed = rng.next();
  d.forward = ranges_.draw_forward(shape, rng);
  return d;
}

at::Tensor RandElastic::field(const ElasticDraw& d, const std::vector<int64_t>& shape,
                              const at::Tensor& like) {
  const int dims = static_cast<int>(shape.size());
  const int n = dims + 1;
  const spatial_ops::Matrix B = spatial_ops::invert(d.forward, dims);
  at::Tensor f = spatial_ops::affine_field(B, shape, like);
  if (d.magnitude == 0.0) return f;
  std::vector<int64_t> full{dims};
  full.insert(full.end(), shape.begin(), shape.end());
  auto gen = at::detail::createCPUGenerator(d.seed);
  at::Tensor u = torch::rand(full, gen, torch::TensorOptions().dtype(torch::kFloat)) * 2.0 - 1.0;
  at::Tensor disp = gaussian_smooth(u.to(like.device()), d.sigma).to(torch::kDouble) * d.magnitude;
  // q = B (p + disp): the linear part of B acts on the displacement.
  std::vector<at::Tensor> comps;
  for (int a = 0; a < dims; ++a) {
    at::Tensor c = f[a];
    for (int b = 0; b < dims; ++b)
      if (B[a * n + b] != 0.0) c = c + disp[b] * B[a * n + b];
    comps.push_back(c);
  }
  return torch::stack(comps);
}

void RandElastic::apply(Sample& sample, Rng& rng) const {
  auto shape = sample.image.spatial_shape();
  ElasticDraw d = draw(shape, rng);
  if (!d.applied) return;
  at::Tensor f = field(d, shape, sample.image.data);
  std::vector<Box> kept;
  for (const Box& b : sample.boxes) {
    if (b.dims != sample.image.dims()) {
      kept.push_back(b);
      continue;
    }
    Box m = spatial_ops::warp_box_raster(b, shape, f);
    if (m.dims != 0) kept.push_back(m);
  }
  sample.boxes = std::move(kept);
  spatial_ops::warp(sample, f, nearest_, padding_);
}

MEDCNN_REGISTER_TRANSFORM(RandElastic)

}  // namespace medcnn
