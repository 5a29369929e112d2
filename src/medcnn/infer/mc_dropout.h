// Monte-Carlo dropout and drop-weights passes (uncertainty, docs/explain.md).
//
// mc_forward(net, x, drop_weights): one stochastic forward pass: the
// network's dropout layers active (batch norm and everything else stay in
// eval mode), and with drop_weights = p > 0 a share p of every convolution
// and linear weight (parameters of rank >= 2) zeroed, the kept ones scaled
// by 1 / (1 - p) (MC DropConnect). The weights and modes are restored
// afterwards, also when the forward pass throws. Not thread-safe for one
// network.
// check_mc_options(models, mc_samples, drop_weights): ConfigError for
// drop_weights outside [0, 1), drop_weights without passes, or passes on a
// network without dropout when drop_weights is 0 (they would all agree).
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "medcnn/nn/network.h"

namespace medcnn {

at::Tensor mc_forward(Network& net, const at::Tensor& x, double drop_weights);
void check_mc_options(const std::vector<NetworkPtr>& models, int mc_samples, double drop_weights);

}  // namespace medcnn
