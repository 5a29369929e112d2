#include "medcnn/transforms/spatial/rand_elastic.h"

#include <torch/torch.h>

#include <algorithm>
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
at::Tensor kernel1d(double sigma, const at::Tensor& like) {
  const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  at::Tensor x = torch::arange(-radius, radius + 1, like.options()).to(like.scalar_type());
  at::Tensor k = torch::exp(-0.5 * x * x / (sigma * sigma));
  return k / k.sum();
}

// sum of the squared weights of the 1-D kernel (variance gain on white noise)
double kernel_energy(double sigma) {
  at::Tensor k = kernel1d(sigma, torch::zeros({1}, torch::kDouble));
  return (k * k).sum().item<double>();
}

at::Tensor gaussian_smooth(at::Tensor f, const std::vector<double>& sigmas) {
  const int64_t dims = f.dim() - 1;
  for (int64_t a = 1; a <= dims; ++a) {
    const double sigma = sigmas[a - 1];
    if (sigma <= 0.0) continue;
    const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
    at::Tensor k = kernel1d(sigma, f).view({1, 1, -1});
    at::Tensor m = f.movedim(a, -1).contiguous();
    auto sizes = m.sizes().vec();
    at::Tensor y = torch::conv1d(m.reshape({-1, 1, sizes.back()}), k, {}, 1, radius);
    f = y.reshape(sizes).movedim(-1, a);
  }
  return f.contiguous();
}

// Linear interpolation of a contiguous float [outer, m, inner] along the
// middle axis onto n samples, align_corners = true (node j at j (n-1)/(m-1)).
at::Tensor upsample_axis(const at::Tensor& x, int64_t axis, int64_t n) {
  at::Tensor xc = x.contiguous();
  const int64_t m = xc.size(axis);
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= xc.size(d);
  for (int64_t d = axis + 1; d < xc.dim(); ++d) inner *= xc.size(d);
  auto shape = xc.sizes().vec();
  shape[axis] = n;
  at::Tensor out = torch::empty(shape, xc.options());
  const float* src = xc.data_ptr<float>();
  float* dst = out.data_ptr<float>();
  const double scale = n > 1 ? static_cast<double>(m - 1) / static_cast<double>(n - 1) : 0.0;
  for (int64_t o = 0; o < outer; ++o) {
    const float* s0 = src + o * m * inner;
    float* d0 = dst + o * n * inner;
    for (int64_t i = 0; i < n; ++i) {
      const double pos = static_cast<double>(i) * scale;
      int64_t j = std::min<int64_t>(static_cast<int64_t>(pos), m - 1);
      const float t = static_cast<float>(pos - static_cast<double>(j));
      const int64_t j1 = std::min<int64_t>(j + 1, m - 1);
      const float* a = s0 + j * inner;
      const float* b = s0 + j1 * inner;
      float* d = d0 + i * inner;
      if (inner == 1) {
        d[0] = a[0] + t * (b[0] - a[0]);
      } else {
        for (int64_t k = 0; k < inner; ++k) d[k] = a[k] + t * (b[k] - a[k]);
      }
    }
  }
  return out;
}

}  // namespace

RandElastic::RandElastic(const Params& p) {
  std::vector<std::string> allowed{"prob", "sigma_range", "magnitude_range", "mode",
                                   "padding_mode"};
  for (const auto& k : AffineRanges::keys()) allowed.push_back(k);
  check_keys(p, name(), allowed);
  prob_ = param_prob(p, name(), 0.1);
  sigma_ = parse_pair(p, name(), "sigma_range", true);
  magnitude_ = parse_pair(p, name(), "magnitude_range", false);
  ranges_ = AffineRanges(p, name());
  nearest_ = spatial_ops::parse_nearest_mode(p, name());
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
  // Coarse grid (see the header): node spacing ~ factor pixels, corners on
  // the image corners, sigma in node units, variance matched to the
  // full-resolution field, then (bi/tri)linear upsampling, align_corners.
  const int factor = std::clamp(static_cast<int>(d.sigma / 2.25), 1, 4);
  std::vector<int64_t> coarse{dims};
  std::vector<double> sig(dims);
  double gain = 1.0;
  bool is_coarse = false;
  for (int a = 0; a < dims; ++a) {
    const int64_t s = shape[a];
    int64_t m = s;
    if (factor > 1 && s > 1) m = std::max<int64_t>(2, (s - 1 + factor - 1) / factor + 1);
    if (m < s) is_coarse = true;
    const double spacing = m > 1 ? static_cast<double>(s - 1) / static_cast<double>(m - 1) : 1.0;
    sig[a] = d.sigma / spacing;
    gain *= std::sqrt(kernel_energy(d.sigma) / kernel_energy(sig[a]));
    coarse.push_back(m);
  }
  if (!is_coarse) {
    std::fill(sig.begin(), sig.end(), d.sigma);
    gain = 1.0;
  }
  auto gen = at::detail::createCPUGenerator(d.seed);
  at::Tensor u = torch::rand(coarse, gen, torch::TensorOptions().dtype(torch::kFloat)) * 2.0 - 1.0;
  at::Tensor disp = gaussian_smooth(u.to(like.device()), sig) * (gain * d.magnitude);
  if (is_coarse) {
    if (disp.device().is_cpu()) {
      // Separable (bi/tri)linear, align_corners = true: one axis at a time,
      // the cheapest (smallest) result first.
      for (int a = dims - 1; a >= 0; --a) disp = upsample_axis(disp, a + 1, shape[a]);
    } else {
      namespace F = torch::nn::functional;
      auto opts = F::InterpolateFuncOptions().size(shape).align_corners(true);
      if (dims == 1) opts.mode(torch::kLinear);
      else if (dims == 2) opts.mode(torch::kBilinear);
      else opts.mode(torch::kTrilinear);
      disp = F::interpolate(disp.unsqueeze(0), opts).squeeze(0);
    }
  }
  // q = B (p + disp): the linear part of B acts on the displacement.
  if (f.device().is_cpu() && f.is_contiguous() && disp.scalar_type() == torch::kFloat) {
    disp = disp.contiguous();
    const int64_t m = f[0].numel();
    double* fp = f.data_ptr<double>();
    const float* dp = disp.data_ptr<float>();
    for (int a = 0; a < dims; ++a)
      for (int b = 0; b < dims; ++b) {
        const double w = B[a * n + b];
        if (w == 0.0) continue;
        double* fa = fp + a * m;
        const float* db = dp + b * m;
        for (int64_t v = 0; v < m; ++v) fa[v] += w * static_cast<double>(db[v]);
      }
    return f;
  }
  for (int a = 0; a < dims; ++a) {
    at::Tensor c = f[a];
    for (int b = 0; b < dims; ++b)
      if (B[a * n + b] != 0.0) c.add_(disp[b], B[a * n + b]);
  }
  return f;
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
