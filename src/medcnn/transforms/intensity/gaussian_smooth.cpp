#include "medcnn/transforms/intensity/gaussian_smooth.h"

#include <torch/torch.h>

#include <cmath>

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

}  // namespace

at::Tensor gaussian_smooth(const at::Tensor& input, const std::vector<double>& sigma) {
  at::Tensor x = input.to(torch::kFloat);
  const int64_t dims = x.dim() - 1;
  if (static_cast<int64_t>(sigma.size()) != dims)
    throw ConfigError("gaussian_smooth", "needs one sigma per spatial axis");
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
