// ResidualBlock: the "basic" residual block of He et al. 2016 (ResNet-18/34),
// any spatial rank.
//
//   y = act(bn2(conv2(act(bn1(conv1(x))))) + shortcut(x))
// conv1 is 3x3 with `stride`, conv2 3x3; shortcut is the identity, or
// "downsample" (1x1 conv with `stride` + batch norm) when the stride is not
// 1 or the channel count changes. Child names follow torchvision (conv1,
// bn1, conv2, bn2, downsample.0, downsample.1), so are parameter names.
// Input [B, in, s...], output [B, out, ceil(s / stride)...].
#pragma once
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class ResidualBlock : public Block {
 public:
  static constexpr int64_t kExpansion = 1;
  ResidualBlock(int64_t dims, int64_t in_channels, int64_t out_channels, int64_t stride = 1,
                const std::string& act = "relu");
  at::Tensor forward(at::Tensor x) override;
  // The second batch norm (zero it for "zero-init residual").
  torch::nn::Module& last_norm() { return *bn2_.ptr(); }

 private:
  torch::nn::AnyModule conv1_, bn1_, conv2_, bn2_, act_;
  ChainPtr downsample_;
};

}  // namespace medcnn
