// ResidualUnit: two "same" convolutions with a shortcut, the building unit of
// the residual U-Net (Zhang et al. 2018, "Road extraction by deep residual
// U-Net"; Kerfoot et al. 2018, MONAI's UNet with num_res_units), any rank.
//
//   y = act(norm2(conv2(act(norm1(conv1(x))))) + shortcut(x))
// conv1 and conv2 are kernel x kernel, stride 1; the shortcut is the identity
// when in == out, else "shortcut": a 1x1 conv (no bias) + norm. Children:
// conv1, norm1, conv2, norm2, act, shortcut.{0,1}.
// Input [B, in, s...], output [B, out, s...].
#pragma once
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class ResidualUnit : public Block {
 public:
  ResidualUnit(int64_t dims, int64_t in_channels, int64_t out_channels,
               const std::string& norm = "batch", const std::string& act = "relu",
               int64_t kernel = 3);
  at::Tensor forward(at::Tensor x) override;

 private:
  torch::nn::AnyModule conv1_, norm1_, conv2_, norm2_, act_;
  ChainPtr shortcut_;
};

}  // namespace medcnn
