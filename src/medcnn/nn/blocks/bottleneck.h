// Bottleneck: the bottleneck residual block of He et al. 2016 (ResNet-50 and
// deeper), torchvision's "v1.5" layout (the stride on the 3x3 conv), any
// spatial rank.
//
//   y = act(bn3(conv3(act(bn2(conv2(act(bn1(conv1(x)))))))) + shortcut(x))
// conv1 1x1 in -> planes, conv2 3x3 planes -> planes with `stride`, conv3
// 1x1 planes -> planes * 4; shortcut is the identity or "downsample"
// (1x1 conv with `stride` + batch norm) when the shape changes. Names follow
// torchvision (conv1..3, bn1..3, downsample.0/1).
// Input [B, in, s...], output [B, planes * 4, ceil(s / stride)...].
#pragma once
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class Bottleneck : public Block {
 public:
  static constexpr int64_t kExpansion = 4;
  Bottleneck(int64_t dims, int64_t in_channels, int64_t planes, int64_t stride = 1,
             const std::string& act = "relu");
  at::Tensor forward(at::Tensor x) override;
  torch::nn::Module& last_norm() { return *bn3_.ptr(); }

 private:
  torch::nn::AnyModule conv1_, bn1_, conv2_, bn2_, conv3_, bn3_, act_;
  ChainPtr downsample_;
};

}  // namespace medcnn
