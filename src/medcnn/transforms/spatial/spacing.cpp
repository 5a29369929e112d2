#include "medcnn/transforms/spatial/spacing.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

namespace {

double bspline3(double t) {
  t = std::abs(t);
  if (t < 1.0) return 2.0 / 3.0 - t * t + 0.5 * t * t * t;
  if (t < 2.0) return (2.0 - t) * (2.0 - t) * (2.0 - t) / 6.0;
  return 0.0;
}

// Whole-sample mirror of index k into [0, n).
int64_t mirror(int64_t k, int64_t n) {
  if (n == 1) return 0;
  const int64_t period = 2 * n - 2;
  k %= period;
  if (k < 0) k += period;
  return k >= n ? period - k : k;
}

// Nearest input index of output i (round half up, clamped).
std::vector<int64_t> nearest_indices(int64_t n_in, int64_t n_out, double ratio) {
  std::vector<int64_t> idx(n_out);
  for (int64_t i = 0; i < n_out; ++i)
    idx[i] = std::clamp<int64_t>(static_cast<int64_t>(std::floor(i * ratio + 0.5)), 0, n_in - 1);
  return idx;
}

// Applies op [n_out, n_in] along tensor dim d of x.
at::Tensor along(const at::Tensor& x, const at::Tensor& op, int64_t d) {
  at::Tensor m = x.movedim(d, -1);
  at::Tensor y = torch::matmul(m, op.to(x.device(), x.scalar_type()).t());
  return y.movedim(-1, d).contiguous();
}

}  // namespace

at::Tensor Spacing::axis_operator(int64_t n_in, int64_t n_out, double ratio, Mode mode) {
  at::Tensor W = torch::zeros({n_out, n_in}, torch::kDouble);
  auto w = W.accessor<double, 2>();
  const double last = static_cast<double>(n_in - 1);
  if (mode == Mode::Nearest) {
    auto idx = nearest_indices(n_in, n_out, ratio);
    for (int64_t i = 0; i < n_out; ++i) w[i][idx[i]] = 1.0;
    return W;
  }
  if (mode == Mode::Linear) {
    for (int64_t i = 0; i < n_out; ++i) {
      const double q = std::clamp(i * ratio, 0.0, last);
      const int64_t i0 = static_cast<int64_t>(std::floor(q));
      const double f = q - static_cast<double>(i0);
      w[i][i0] += 1.0 - f;
      if (f > 0.0) w[i][std::min(i0 + 1, n_in - 1)] += f;
    }
    return W;
  }
  // Cubic B-spline: value = sum_k beta3(q - k) c[mirror(k)], c = P^-1 f with
  // P[i][mirror(i + d)] += beta3(d) (interpolation condition, mirrored).
  if (n_in == 1) return torch::ones({n_out, 1}, torch::kDouble);
  at::Tensor P = torch::zeros({n_in, n_in}, torch::kDouble);
  auto p = P.accessor<double, 2>();
  for (int64_t i = 0; i < n_in; ++i)
    for (int64_t d = -1; d <= 1; ++d) p[i][mirror(i + d, n_in)] += bspline3(static_cast<double>(d));
  for (int64_t i = 0; i < n_out; ++i) {
    const double q = std::clamp(i * ratio, 0.0, last);
    const int64_t k0 = static_cast<int64_t>(std::floor(q));
    for (int64_t k = k0 - 1; k <= k0 + 2; ++k) w[i][mirror(k, n_in)] += bspline3(q - static_cast<double>(k));
  }
  return torch::matmul(W, torch::inverse(P));
}

Spacing::Spacing(const Params& p) {
  check_keys(p, name(), {"pixdim", "mode"});
  if (p.is_null() || !p.contains("pixdim"))
    throw ConfigError(name() + ".pixdim", "required (one spacing or one per axis, x, y, z order)");
  const Params& v = p.at("pixdim");
  if (v.is_number()) {
    pixdim_ = {v.get<double>()};
  } else if (v.is_array() && !v.empty() && v.size() <= 3) {
    for (const auto& e : v) {
      if (!e.is_number()) throw ConfigError(name() + ".pixdim", "expected numbers");
      pixdim_.push_back(e.get<double>());
    }
  } else {
    throw ConfigError(name() + ".pixdim", "expected a number or 1 to 3 numbers");
  }
  const std::string mode = param_string(p, name(), "mode", "linear");
  if (mode == "linear" || mode == "bilinear" || mode == "trilinear") mode_ = Mode::Linear;
  else if (mode == "bspline" || mode == "cubic") mode_ = Mode::BSpline;
  else if (mode == "nearest") mode_ = Mode::Nearest;
  else
    throw ConfigError(name() + ".mode", "unknown mode '" + mode + "' (use linear, bspline or nearest)");
}

void Spacing::apply(Sample& sample, Rng& /*rng*/) const {
  Image& im = sample.image;
  const int dims = im.dims();
  if (pixdim_.size() != 1 && static_cast<int>(pixdim_.size()) < dims)
    throw ConfigError(name() + ".pixdim", "has " + std::to_string(pixdim_.size()) +
                                              " values for a " + std::to_string(dims) + "-D image");
  auto shape = im.spatial_shape();
  std::vector<int64_t> out_shape = shape;
  std::vector<double> ratio(dims, 1.0);  // tensor order
  Geometry g = im.geometry;
  bool change = false;
  for (int a = 0; a < dims; ++a) {
    const int j = spatial_ops::image_axis(dims, a);
    const double target = pixdim_.size() == 1 ? pixdim_[0] : pixdim_[j];
    if (target <= 0.0 || target == im.geometry.spacing[j]) continue;
    const double old = im.geometry.spacing[j];
    out_shape[a] = std::max<int64_t>(1, std::llround(static_cast<double>(shape[a]) * old / target));
    ratio[a] = target / old;
    g.spacing[j] = target;
    change = true;
  }
  if (!change) return;

  const bool nearest_image = mode_ == Mode::Nearest;
  at::Tensor x = im.data;
  if (!nearest_image && x.scalar_type() != torch::kDouble) x = x.to(torch::kFloat);
  for (int a = 0; a < dims; ++a) {
    if (ratio[a] == 1.0) continue;
    if (nearest_image) {
      auto idx = nearest_indices(shape[a], out_shape[a], ratio[a]);
      x = x.index_select(a + 1, torch::tensor(idx, torch::kLong).to(x.device()));
    } else {
      x = along(x, axis_operator(shape[a], out_shape[a], ratio[a], mode_), a + 1);
    }
  }
  im.data = x.contiguous();
  if (!nearest_image) im.pixel_type = pixel_type_of(x.scalar_type());
  im.geometry = g;

  if (sample.mask) {
    at::Tensor m = sample.mask->data;
    for (int a = 0; a < dims; ++a) {
      if (ratio[a] == 1.0) continue;
      auto idx = nearest_indices(shape[a], out_shape[a], ratio[a]);
      m = m.index_select(a + 1, torch::tensor(idx, torch::kLong).to(m.device()));
    }
    sample.mask->data = m.contiguous();
    sample.mask->geometry = g;
  }
  std::vector<Box> kept;
  for (Box b : sample.boxes) {
    bool empty = false;
    for (int a = 0; a < dims; ++a) {
      const int j = spatial_ops::image_axis(dims, a);
      if (j >= b.dims) continue;
      const double n = static_cast<double>(out_shape[a]);
      b.lo[j] = std::clamp((b.lo[j] - 0.5) / ratio[a] + 0.5, 0.0, n);
      b.hi[j] = std::clamp((b.hi[j] - 0.5) / ratio[a] + 0.5, 0.0, n);
      if (b.hi[j] <= b.lo[j]) empty = true;
    }
    if (!empty) kept.push_back(b);
  }
  sample.boxes = std::move(kept);
}

MEDCNN_REGISTER_TRANSFORM(Spacing)

}  // namespace medcnn
