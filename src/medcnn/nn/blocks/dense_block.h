// DenseBlock: `num_layers` DenseLayers, each fed the concatenation of the
// block input and every earlier layer's output (Huang et al. 2017).
// Children "denselayer1", "denselayer2", ... as torchvision.
// Input [B, in, s...], output [B, in + num_layers * growth_rate, s...].
#pragma once
#include <vector>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/dense_layer.h"

namespace medcnn {

class DenseBlock : public Block {
 public:
  DenseBlock(int64_t dims, int64_t num_layers, int64_t in_channels, int64_t growth_rate,
             int64_t bn_size = 4, double drop_rate = 0.0);
  at::Tensor forward(at::Tensor x) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  std::vector<std::shared_ptr<DenseLayer>> layers_;
  int64_t out_channels_;
};

}  // namespace medcnn
