#include "medcnn/transforms/intensity/gaussian_smooth.h"

#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

at::Tensor gaussian_kernel1d(double sigma) {
  const int64_t radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  at::Tensor k = torch::arange(-radius, radius + 1, torch::kDouble);
  k = torch::exp(-0.5 * k * k / (sigma * sigma));
  return k / k.sum();
}

namespace {

// Indices of positions -r .. n-1+r under scipy's "reflect" (half-sample symmetric).
at::Tensor reflect_index(int64_t n, int64_t r, const c10::Device& device) {
  at::Tensor i = torch::arange(-r, n + r, torch::kLong);
  const int64_t period = 2 * n;
  i = torch::remainder(i, period);
  i = torch::where(i >= n, period - 1 - i, i);
  return i.to(device);
}

at::Tensor smooth_axis(const at::Tensor& x, int64_t axis, double sigma) {
  const int64_t n = x.size(axis);
  at::Tensor k = gaussian_kernel1d(sigma);
  const int64_t r = (k.numel() - 1) / 2;
  at::Tensor padded = x.index_select(axis, reflect_index(n, r, x.device()));
  at::Tensor moved = padded.movedim(axis, -1).contiguous();
  const auto shape = moved.sizes().vec();
  at::Tensor flat = moved.reshape({-1, 1, shape.back()});
  at::Tensor weight = k.to(x.scalar_type()).to(x.device()).reshape({1, 1, -1});
  at::Tensor out = torch::conv1d(flat, weight);  // cross-correlation; kernel symmetric
  auto out_shape = shape;
  out_shape.back() = n;
  return out.reshape(out_shape).movedim(-1, axis);
}

// Fast CPU path: the same separable filter (scipy "reflect" boundary), as
// plain loops over a contiguous float [outer, n, inner] view of the axis.
// Outer axes: a weighted sum of whole contiguous rows (vectorised by the
// compiler); the last axis: one reflected row buffer per line.
void smooth_axis_cpu(const float* in, float* out, int64_t outer, int64_t n, int64_t inner,
                     const std::vector<float>& w) {
  const int64_t r = (static_cast<int64_t>(w.size()) - 1) / 2;
  auto refl = [n](int64_t i) {
    const int64_t period = 2 * n;
    i %= period;
    if (i < 0) i += period;
    return i >= n ? period - 1 - i : i;
  };
  if (inner == 1) {
    std::vector<float> buf(n + 2 * r);
    for (int64_t o = 0; o < outer; ++o) {
      const float* src = in + o * n;
      float* dst = out + o * n;
      for (int64_t i = -r; i < n + r; ++i) buf[i + r] = src[refl(i)];
      const float* b = buf.data();
      for (int64_t i = 0; i < n; ++i) dst[i] = 0.0f;
      for (int64_t k = 0; k <= 2 * r; ++k) {
        const float wk = w[k];
        const float* bk = b + k;
        for (int64_t i = 0; i < n; ++i) dst[i] += wk * bk[i];
      }
    }
    return;
  }
  for (int64_t o = 0; o < outer; ++o) {
    const float* src = in + o * n * inner;
    float* dst = out + o * n * inner;
    for (int64_t i = 0; i < n; ++i) {
      float* d = dst + i * inner;
      for (int64_t j = 0; j < inner; ++j) d[j] = 0.0f;
      for (int64_t k = -r; k <= r; ++k) {
        const float wk = w[k + r];
        const float* s = src + refl(i + k) * inner;
        for (int64_t j = 0; j < inner; ++j) d[j] += wk * s[j];
      }
    }
  }
}

at::Tensor gaussian_smooth_cpu(at::Tensor x, const std::vector<double>& sigma) {
  x = x.contiguous();
  const int64_t dims = x.dim() - 1;
  // Ping-pong between two scratch buffers; the input is never written.
  at::Tensor tmp = torch::empty_like(x), spare;
  bool owned = false;  // x is one of our buffers (not the caller's tensor)
  for (int64_t a = 0; a < dims; ++a) {
    if (!(sigma[a] > 0)) continue;
    at::Tensor k = gaussian_kernel1d(sigma[a]);
    std::vector<float> w(k.numel());
    const double* kp = k.data_ptr<double>();
    for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(kp[i]);
    const int64_t axis = a + 1, n = x.size(axis);
    int64_t outer = 1, inner = 1;
    for (int64_t d = 0; d < axis; ++d) outer *= x.size(d);
    for (int64_t d = axis + 1; d < x.dim(); ++d) inner *= x.size(d);
    smooth_axis_cpu(x.data_ptr<float>(), tmp.data_ptr<float>(), outer, n, inner, w);
    at::Tensor done = tmp;
    tmp = spare.defined() ? spare : torch::empty_like(x);
    spare = owned ? x : at::Tensor();
    x = done;
    owned = true;
  }
  return x;
}

}  // namespace

at::Tensor gaussian_smooth(const at::Tensor& input, const std::vector<double>& sigma) {
  at::Tensor x = input.to(torch::kFloat);
  const int64_t dims = x.dim() - 1;
  if (static_cast<int64_t>(sigma.size()) != dims)
    throw ConfigError("gaussian_smooth", "needs one sigma per spatial axis");
  if (x.device().is_cpu() && x.numel() > 0) {
    return gaussian_smooth_cpu(x, sigma);
  }
  for (int64_t a = 0; a < dims; ++a)
    if (sigma[a] > 0) x = smooth_axis(x, a + 1, sigma[a]);
  return x.contiguous();
}

GaussianSmooth::GaussianSmooth(const Params& p) {
  check_keys(p, name(), {"sigma"});
  sigma_ = intensity_ops::param_doubles(p, name(), "sigma", {1.0});
  for (double s : sigma_)
    if (!(s >= 0)) throw ConfigError(name() + ".sigma", "must be >= 0");
}

void GaussianSmooth::apply(Sample& sample, Rng& /*rng*/) const {
  const int dims = static_cast<int>(sample.image.data.dim()) - 1;
  std::vector<double> s = sigma_;
  if (s.size() == 1) s.assign(dims, sigma_[0]);
  if (static_cast<int>(s.size()) != dims)
    throw ConfigError(name() + ".sigma", "has " + std::to_string(sigma_.size()) +
                                             " values for a " + std::to_string(dims) + "-D image");
  intensity_ops::set_float(sample, gaussian_smooth(sample.image.data, s));
}

MEDCNN_REGISTER_TRANSFORM(GaussianSmooth)

}  // namespace medcnn
