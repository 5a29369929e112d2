#include "medcnn/transforms/intensity/rand_motion.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandMotion::RandMotion(const Params& p) {
  check_keys(p, name(), {"degrees", "translation", "num_transforms", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  degrees_ = std::abs(param_double(p, name(), "degrees", 10.0));
  translation_ = std::abs(param_double(p, name(), "translation", 10.0));
  num_transforms_ = param_int(p, name(), "num_transforms", 2);
  if (num_transforms_ < 1) throw ConfigError(name() + ".num_transforms", "must be >= 1");
}

namespace {
constexpr double kPi = 3.14159265358979323846;

using Mat3 = std::array<std::array<double, 3>, 3>;
Mat3 matmul(const Mat3& a, const Mat3& b) {
  Mat3 r{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) r[i][j] += a[i][k] * b[k][j];
  return r;
}

// Moves x ([C, spatial...]) by a rigid transform about the centre, in pixel
// units; angles in radians (2-D: angles[0]); shift in tensor order.
at::Tensor rigid(const at::Tensor& x, const std::vector<double>& angles, const std::vector<double>& shift) {
  namespace F = torch::nn::functional;
  const int64_t dims = x.dim() - 1;
  // Grid coordinates are ordered (x, y[, z]) = reversed tensor axes.
  std::vector<double> half(dims);
  for (int64_t a = 0; a < dims; ++a) half[a] = x.size(dims - a) / 2.0;  // a: grid axis
  Mat3 r{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  if (dims == 2) {
    const double c = std::cos(angles[0]), s = std::sin(angles[0]);
    r = {{{c, -s, 0}, {s, c, 0}, {0, 0, 1}}};
  } else {
    auto rot = [](int axis, double t) {
      const double c = std::cos(t), s = std::sin(t);
      Mat3 m{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
      const int i = (axis + 1) % 3, j = (axis + 2) % 3;
      m[i][i] = c; m[i][j] = -s; m[j][i] = s; m[j][j] = c;
      return m;
    };
    // angles about z, y, x (grid axes 2, 1, 0)
    r = matmul(rot(2, angles[0]), matmul(rot(1, angles[1]), rot(0, angles[2])));
  }
  at::Tensor theta = torch::zeros({1, dims, dims + 1}, torch::kDouble);
  for (int64_t i = 0; i < dims; ++i) {
    for (int64_t j = 0; j < dims; ++j) theta[0][i][j] = r[i][j] * half[j] / half[i];
    theta[0][i][dims] = shift[dims - 1 - i] / half[i];
  }
  std::vector<int64_t> size{1};
  for (int64_t s : x.sizes()) size.push_back(s);
  at::Tensor grid = F::affine_grid(theta.to(x.dtype()).to(x.device()), size, /*align_corners=*/false);
  return F::grid_sample(x.unsqueeze(0), grid,
                        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false))
      .squeeze(0);
}

std::vector<int64_t> spatial_dims(int64_t dims) {
  std::vector<int64_t> d;
  for (int64_t a = 1; a <= dims; ++a) d.push_back(a);
  return d;
}
}  // namespace

void RandMotion::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const int64_t dims = sample.image.data.dim() - 1;
  if (dims != 2 && dims != 3)
    throw DataError(name(), "works on 2-D and 3-D images, got " + std::to_string(dims) + "-D");
  at::Tensor x = intensity_ops::float_copy(sample.image);
  std::vector<double> times(num_transforms_);
  for (auto& t : times) t = rng.uniform();
  std::sort(times.begin(), times.end());
  const auto ax = spatial_dims(dims);
  auto spectrum = [&](const at::Tensor& t) { return torch::fft::fftshift(torch::fft::fftn(t, c10::nullopt, ax), ax); };
  const int64_t n_last = x.size(-1);
  at::Tensor result = spectrum(x);
  for (int64_t i = 0; i < num_transforms_; ++i) {
    std::vector<double> angles(dims == 2 ? 1 : 3), shift(dims);
    for (auto& a : angles) a = rng.uniform(-degrees_, degrees_) * kPi / 180.0;
    for (auto& s : shift) s = rng.uniform(-translation_, translation_);
    const int64_t start = static_cast<int64_t>(times[i] * n_last);
    const int64_t end = i + 1 < num_transforms_ ? static_cast<int64_t>(times[i + 1] * n_last) : n_last;
    if (end <= start) continue;
    at::Tensor moved = spectrum(rigid(x, angles, shift));
    result.narrow(-1, start, end - start).copy_(moved.narrow(-1, start, end - start));
  }
  at::Tensor out = torch::fft::ifftn(torch::fft::ifftshift(result, ax), c10::nullopt, ax);
  intensity_ops::set_float(sample, torch::real(out));
}

MEDCNN_REGISTER_TRANSFORM(RandMotion)

}  // namespace medcnn
