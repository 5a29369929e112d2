#include "medcnn/nn/blocks/bottleneck.h"

#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

Bottleneck::Bottleneck(int64_t dims, int64_t in, int64_t planes, int64_t stride,
                       const std::string& act) {
  const int64_t out = planes * kExpansion;
  conv1_ = register_any(*this, "conv1", conv_nd(dims, in, planes, 1, 1, 0, 1, 1, false));
  bn1_ = register_any(*this, "bn1", batch_norm_nd(dims, planes));
  conv2_ = register_any(*this, "conv2", conv_nd(dims, planes, planes, 3, stride, 1, 1, 1, false));
  bn2_ = register_any(*this, "bn2", batch_norm_nd(dims, planes));
  conv3_ = register_any(*this, "conv3", conv_nd(dims, planes, out, 1, 1, 0, 1, 1, false));
  bn3_ = register_any(*this, "bn3", batch_norm_nd(dims, out));
  act_ = register_any(*this, "act", make_activation(act));
  downsample_ = projection_shortcut(dims, in, out, stride);
  if (downsample_) register_module("downsample", downsample_);
}

at::Tensor Bottleneck::forward(at::Tensor x) {
  at::Tensor identity = downsample_ ? downsample_->forward(x) : x;
  at::Tensor y = act_.forward(bn1_.forward(conv1_.forward(x)));
  y = act_.forward(bn2_.forward(conv2_.forward(y)));
  y = bn3_.forward(conv3_.forward(y));
  return act_.forward(y + identity);
}

}  // namespace medcnn
