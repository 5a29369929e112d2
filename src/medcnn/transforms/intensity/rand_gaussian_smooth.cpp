#include "medcnn/transforms/intensity/rand_gaussian_smooth.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/gaussian_smooth.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandGaussianSmooth::RandGaussianSmooth(const Params& p) {
  check_keys(p, name(), {"sigma", "per_axis", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  std::tie(lo_, hi_) =
      intensity_ops::param_range(p, name(), "sigma", {0.25, 1.5}, 0.0, /*number_is_hi=*/true);
  if (lo_ < 0) throw ConfigError(name() + ".sigma", "must be >= 0");
  per_axis_ = param_bool(p, name(), "per_axis", true);
}

void RandGaussianSmooth::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const int64_t dims = sample.image.data.dim() - 1;
  std::vector<double> sigma(dims);
  const double shared = rng.uniform(lo_, hi_);
  for (int64_t a = 0; a < dims; ++a) sigma[a] = per_axis_ ? rng.uniform(lo_, hi_) : shared;
  intensity_ops::set_float(sample, gaussian_smooth(sample.image.data, sigma));
}

MEDCNN_REGISTER_TRANSFORM(RandGaussianSmooth)

}  // namespace medcnn
