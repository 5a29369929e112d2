// PointwiseHeadNetwork: a segmentation Network whose classifier is one 1x1
// convolution from its feature map's channels to the class logits (U-Net,
// SegNet, the dilated FCN, DeepMedic, the centre-pixel CNN).
//
// Contract
//  - A subclass builds its feature extractor, then calls
//    build_pointwise_head(channels) once, last: that registers
//    Conv{1,2,3}d(channels, spec.num_classes, kernel 1) under head_prefix()
//    ("head": parameters head.weight, head.bias).
//  - head(f) applies it to [B, channels, s...]; reset_head(n) replaces it by
//    a fresh one with n outputs (Network::install_head: device, dtype, init).
//  - Subclasses still implement features().
#pragma once
#include <torch/nn/modules/container/any.h>

#include "medcnn/nn/network.h"

namespace medcnn {

class PointwiseHeadNetwork : public Network {
 public:
  using Network::Network;
  at::Tensor head(at::Tensor f) override;
  void reset_head(int64_t num_classes) override;

 protected:
  void build_pointwise_head(int64_t channels);

 private:
  torch::nn::AnyModule head_;
  int64_t head_channels_ = 0;
};

}  // namespace medcnn
