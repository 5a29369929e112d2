#include "medcnn/train/mixup.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

MixedBatch mix_up(const Batch& batch, double alpha) {
  if (!(alpha > 0)) throw ConfigError("train.mixup_alpha", "must be > 0 to mix");
  // Beta(a, a) as G1 / (G1 + G2) with G1, G2 ~ Gamma(a, 1).
  const auto g = at::_standard_gamma(torch::full({2}, alpha, torch::kDouble));
  const double g1 = g[0].item<double>(), g2 = g[1].item<double>();
  MixedBatch m;
  m.lambda = g1 + g2 > 0 ? g1 / (g1 + g2) : 0.5;  // both underflow only for tiny alpha
  const int64_t n = batch.size();
  const auto perm = torch::randperm(n, torch::kLong);
  m.permutation.assign(perm.data_ptr<int64_t>(), perm.data_ptr<int64_t>() + n);
  m.images = batch.images * m.lambda + batch.images.index_select(0, perm) * (1 - m.lambda);
  m.partner.ids.reserve(static_cast<size_t>(n));
  for (int64_t i : m.permutation) m.partner.ids.push_back(batch.ids[static_cast<size_t>(i)]);
  if (batch.labels.defined()) m.partner.labels = batch.labels.index_select(0, perm);
  return m;
}

}  // namespace medcnn
