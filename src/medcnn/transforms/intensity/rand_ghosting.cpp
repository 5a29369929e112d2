#include "medcnn/transforms/intensity/rand_ghosting.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandGhosting::RandGhosting(const Params& p) {
  check_keys(p, name(), {"num_ghosts", "axes", "intensity", "restore", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  if (!p.is_null() && p.contains("num_ghosts") && p["num_ghosts"].is_number_integer()) {
    ghosts_lo_ = ghosts_hi_ = p["num_ghosts"].get<int64_t>();
  } else {
    auto g = param_ints(p, name(), "num_ghosts", {4, 10});
    if (g.size() != 2 || g[0] > g[1])
      throw ConfigError(name() + ".num_ghosts", "expected an integer or [lo, hi] with lo <= hi");
    ghosts_lo_ = g[0];
    ghosts_hi_ = g[1];
  }
  if (ghosts_lo_ < 1) throw ConfigError(name() + ".num_ghosts", "must be >= 1");
  axes_ = param_ints(p, name(), "axes", {0, 1, 2});
  for (int64_t a : axes_)
    if (a < 0 || a > 2) throw ConfigError(name() + ".axes", "axes are 0, 1 or 2");
  if (axes_.empty()) throw ConfigError(name() + ".axes", "needs at least one axis");
  std::tie(intensity_lo_, intensity_hi_) =
      intensity_ops::param_range(p, name(), "intensity", {0.5, 1.0}, 0.0, /*number_is_hi=*/true);
  restore_ = param_double(p, name(), "restore", 0.02);
  if (!(restore_ >= 0 && restore_ <= 1)) throw ConfigError(name() + ".restore", "must be in [0, 1]");
}

void RandGhosting::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const int64_t dims = sample.image.data.dim() - 1;
  std::vector<int64_t> axes;
  for (int64_t a : axes_)
    if (a < dims) axes.push_back(a);
  if (axes.empty()) return;
  const int64_t n = rng.randint(ghosts_lo_, ghosts_hi_);
  const int64_t axis = 1 + axes[rng.randint(0, static_cast<int64_t>(axes.size()) - 1)];
  const double intensity = rng.uniform(intensity_lo_, intensity_hi_);
  at::Tensor x = intensity_ops::float_copy(sample.image);
  std::vector<int64_t> ax;
  for (int64_t a = 1; a <= dims; ++a) ax.push_back(a);
  at::Tensor k = torch::fft::fftshift(torch::fft::fftn(x, c10::nullopt, ax), ax);
  const int64_t len = x.size(axis);
  at::Tensor factor = torch::ones({len}, torch::kDouble);
  factor.slice(0, 0, len, n).fill_(1.0 - intensity);
  const int64_t mid = len / 2, r = static_cast<int64_t>(std::floor(restore_ * len / 2.0));
  if (restore_ > 0) factor.slice(0, std::max<int64_t>(0, mid - r), std::min(len, mid + r + 1)).fill_(1.0);
  std::vector<int64_t> view(x.dim(), 1);
  view[axis] = len;
  k = k * factor.to(k.device()).reshape(view);
  at::Tensor out = torch::fft::ifftn(torch::fft::ifftshift(k, ax), c10::nullopt, ax);
  intensity_ops::set_float(sample, torch::real(out));
}

MEDCNN_REGISTER_TRANSFORM(RandGhosting)

}  // namespace medcnn
