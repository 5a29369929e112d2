#include "medcnn/transforms/intensity/rand_gaussian_noise.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandGaussianNoise::RandGaussianNoise(const Params& p) {
  check_keys(p, name(), {"mean", "std", "sample_std", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  mean_ = param_double(p, name(), "mean", 0.0);
  std_ = param_double(p, name(), "std", 0.1);
  if (!(std_ >= 0)) throw ConfigError(name() + ".std", "must be >= 0");
  sample_std_ = param_bool(p, name(), "sample_std", true);
}

void RandGaussianNoise::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  const double sd = sample_std_ ? rng.uniform(0.0, std_) : std_;
  at::Generator gen = intensity_ops::torch_generator(rng);
  at::Tensor x = intensity_ops::float_copy(sample.image);
  at::Tensor noise = at::normal(mean_, sd, x.sizes(), gen, torch::TensorOptions().dtype(torch::kFloat));
  x.add_(noise.to(x.device()));
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandGaussianNoise)

}  // namespace medcnn
