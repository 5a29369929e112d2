#include "medcnn/nn/blocks/dense_layer.h"

#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

DenseLayer::DenseLayer(int64_t dims, int64_t in, int64_t growth, int64_t bn_size,
                       double drop_rate)
    : drop_rate_(drop_rate) {
  norm1_ = register_any(*this, "norm1", batch_norm_nd(dims, in));
  conv1_ = register_any(*this, "conv1", conv_nd(dims, in, bn_size * growth, 1, 1, 0, 1, 1, false));
  norm2_ = register_any(*this, "norm2", batch_norm_nd(dims, bn_size * growth));
  conv2_ = register_any(*this, "conv2",
                        conv_nd(dims, bn_size * growth, growth, 3, 1, 1, 1, 1, false));
}

at::Tensor DenseLayer::forward(at::Tensor x) {
  at::Tensor y = conv1_.forward(torch::relu(norm1_.forward(x)));
  y = conv2_.forward(torch::relu(norm2_.forward(y)));
  if (drop_rate_ > 0.0) y = torch::dropout(y, drop_rate_, is_training());
  return y;
}

}  // namespace medcnn
