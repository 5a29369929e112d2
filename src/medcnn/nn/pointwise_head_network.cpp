#include "medcnn/nn/pointwise_head_network.h"

#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

at::Tensor PointwiseHeadNetwork::head(at::Tensor f) { return head_.forward(f); }

void PointwiseHeadNetwork::reset_head(int64_t num_classes) {
  head_ = conv_nd(spec_.spatial_dims, head_channels_, num_classes, 1, 1, 0);
  install_head(head_.ptr(), num_classes);
}

void PointwiseHeadNetwork::build_pointwise_head(int64_t channels) {
  head_channels_ = channels;
  reset_head(spec_.num_classes);
}

}  // namespace medcnn
