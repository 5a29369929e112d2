// AttentionGate: the additive attention gate of Attention U-Net (Oktay et al.
// 2018), any spatial rank.
//
//   q = relu(norm(W_x x) + norm(W_g g));  alpha = sigmoid(norm(psi q));
//   out = x * alpha
// x is the skip connection [B, Cx, s...]; g the gating signal from the
// decoder, already on x's grid [B, Cg, s...]; W_x, W_g, psi are 1x1 convs
// (to `inter` channels, to 1 channel). alpha is one weight per position in
// [0, 1], shared by all channels. Children: theta_x, phi_g, psi (each a
// Chain "0" conv, "1" norm).
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class AttentionGate : public torch::nn::Module {
 public:
  AttentionGate(int64_t dims, int64_t x_channels, int64_t g_channels, int64_t inter_channels,
                const std::string& norm = "batch");
  at::Tensor forward(const at::Tensor& x, const at::Tensor& g);
  // The attention coefficients of the last forward(), [B, 1, s...].
  const at::Tensor& last_alpha() const { return alpha_; }

 private:
  ChainPtr theta_x_, phi_g_, psi_;
  at::Tensor alpha_;
};

}  // namespace medcnn
