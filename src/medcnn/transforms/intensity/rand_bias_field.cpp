#include "medcnn/transforms/intensity/rand_bias_field.h"

#include <torch/torch.h>

#include <functional>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandBiasField::RandBiasField(const Params& p) {
  check_keys(p, name(), {"degree", "coeff_range", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  degree_ = param_int(p, name(), "degree", 3);
  if (degree_ < 1) throw ConfigError(name() + ".degree", "must be >= 1");
  std::tie(lo_, hi_) = intensity_ops::param_range(p, name(), "coeff_range", {0.0, 0.1});
}

namespace {
// Legendre polynomials P_0..P_degree on linspace(-1, 1, n): [degree + 1, n] float64.
at::Tensor legendre(int64_t n, int64_t degree, const c10::Device& device) {
  at::Tensor x = torch::linspace(-1.0, 1.0, n, torch::TensorOptions().dtype(torch::kDouble).device(device));
  std::vector<at::Tensor> p{torch::ones_like(x), x};
  for (int64_t k = 1; k < degree; ++k)
    p.push_back(((2.0 * k + 1.0) * x * p[k] - static_cast<double>(k) * p[k - 1]) / (k + 1.0));
  p.resize(degree + 1);
  return torch::stack(p);
}
}  // namespace

void RandBiasField::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  at::Tensor x = intensity_ops::float_copy(sample.image);
  const auto shape = x.sizes().slice(1).vec();
  const int64_t dims = static_cast<int64_t>(shape.size());
  std::vector<at::Tensor> polys;
  for (int64_t a = 0; a < dims; ++a) polys.push_back(legendre(shape[a], degree_, x.device()));
  at::Tensor field = torch::zeros(shape, torch::TensorOptions().dtype(torch::kDouble).device(x.device()));
  std::vector<int64_t> exps(dims, 0);
  // Exponent tuples with total degree <= degree_, lexicographic.
  std::function<void(int64_t, int64_t)> visit = [&](int64_t axis, int64_t left) {
    if (axis == dims) {
      const double c = rng.uniform(lo_, hi_);
      at::Tensor term = torch::full({}, c, field.options());
      for (int64_t a = 0; a < dims; ++a) {
        std::vector<int64_t> view(dims, 1);
        view[a] = shape[a];
        term = term * polys[a][exps[a]].reshape(view);
      }
      field.add_(term);
      return;
    }
    for (int64_t e = 0; e <= left; ++e) {
      exps[axis] = e;
      visit(axis + 1, left - e);
    }
  };
  visit(0, degree_);
  x.mul_(torch::exp(field).to(torch::kFloat).unsqueeze(0));
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandBiasField)

}  // namespace medcnn
