// DenseLayer: one layer of a dense block (Huang et al. 2017, DenseNet-BC),
// any spatial rank.
//
//   new = conv2(relu(norm2(conv1(relu(norm1(x))))))   [B, growth, s...]
// conv1 is the 1x1 bottleneck (in -> bn_size * growth), conv2 3x3 (->
// growth); dropout with drop_rate on the output in training. forward
// returns only the new feature maps; DenseBlock concatenates them.
// Names follow torchvision (norm1, conv1, norm2, conv2).
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class DenseLayer : public Block {
 public:
  DenseLayer(int64_t dims, int64_t in_channels, int64_t growth_rate, int64_t bn_size = 4,
             double drop_rate = 0.0);
  at::Tensor forward(at::Tensor x) override;

 private:
  torch::nn::AnyModule norm1_, conv1_, norm2_, conv2_;
  double drop_rate_;
};

}  // namespace medcnn
