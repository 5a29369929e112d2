// Transition: the layer between two dense blocks (Huang et al. 2017):
// batch norm -> ReLU -> 1x1 conv (in -> out) -> 2x2 average pooling, stride 2.
// Names follow torchvision (norm, conv). Input [B, in, s...], output
// [B, out, floor(s / 2)...]; each spatial axis must be at least 2.
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class Transition : public Block {
 public:
  Transition(int64_t dims, int64_t in_channels, int64_t out_channels);
  at::Tensor forward(at::Tensor x) override;

 private:
  torch::nn::AnyModule norm_, conv_, pool_;
};

}  // namespace medcnn
