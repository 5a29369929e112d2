#include "medcnn/nn/blocks/dense_block.h"

namespace medcnn {

DenseBlock::DenseBlock(int64_t dims, int64_t num_layers, int64_t in, int64_t growth,
                       int64_t bn_size, double drop_rate)
    : out_channels_(in + num_layers * growth) {
  for (int64_t i = 0; i < num_layers; ++i) {
    auto layer = std::make_shared<DenseLayer>(dims, in + i * growth, growth, bn_size, drop_rate);
    register_module("denselayer" + std::to_string(i + 1), layer);
    layers_.push_back(layer);
  }
}

at::Tensor DenseBlock::forward(at::Tensor x) {
  std::vector<at::Tensor> features{x};
  for (auto& layer : layers_) features.push_back(layer->forward(torch::cat(features, 1)));
  return torch::cat(features, 1);
}

}  // namespace medcnn
