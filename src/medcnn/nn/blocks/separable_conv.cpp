#include "medcnn/nn/blocks/separable_conv.h"

#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

SeparableConv::SeparableConv(int64_t dims, int64_t in, int64_t out, int64_t kernel,
                             int64_t stride, int64_t padding, int64_t dilation, bool bias) {
  depthwise_ = register_any(*this, "depthwise",
                            conv_nd(dims, in, in, kernel, stride, padding, dilation, in, bias));
  pointwise_ = register_any(*this, "pointwise", conv_nd(dims, in, out, 1, 1, 0, 1, 1, bias));
}

at::Tensor SeparableConv::forward(at::Tensor x) {
  return pointwise_.forward(depthwise_.forward(x));
}

}  // namespace medcnn
