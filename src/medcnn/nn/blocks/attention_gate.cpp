#include "medcnn/nn/blocks/attention_gate.h"

#include "medcnn/nn/blocks/layers.h"

namespace medcnn {
namespace {

ChainPtr conv1x1_norm(int64_t dims, int64_t in, int64_t out, const std::string& norm) {
  auto c = std::make_shared<Chain>();
  c->add(conv_nd(dims, in, out, 1, 1, 0, 1, 1, true));
  c->add(norm_nd(norm, dims, out));
  return c;
}

}  // namespace

AttentionGate::AttentionGate(int64_t dims, int64_t x_channels, int64_t g_channels,
                             int64_t inter_channels, const std::string& norm) {
  theta_x_ = register_module("theta_x", conv1x1_norm(dims, x_channels, inter_channels, norm));
  phi_g_ = register_module("phi_g", conv1x1_norm(dims, g_channels, inter_channels, norm));
  psi_ = register_module("psi", conv1x1_norm(dims, inter_channels, 1, norm));
}

at::Tensor AttentionGate::forward(const at::Tensor& x, const at::Tensor& g) {
  at::Tensor q = (theta_x_->forward(x) + phi_g_->forward(g)).relu();
  alpha_ = psi_->forward(q).sigmoid();
  return x * alpha_;
}

}  // namespace medcnn
