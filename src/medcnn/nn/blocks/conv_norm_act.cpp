#include "medcnn/nn/blocks/conv_norm_act.h"

#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

ConvNormAct::ConvNormAct(const ConvNormActOptions& o) : options_(o) {
  const bool bias = o.bias().value_or(o.norm() == "none");
  conv_ = register_any(*this, "conv",
                       conv_nd(o.dims(), o.in_channels(), o.out_channels(), o.kernel_size(),
                               o.stride(), o.padding(), o.dilation(), o.groups(), bias));
  norm_ = register_any(*this, "norm", norm_nd(o.norm(), o.dims(), o.out_channels(), o.norm_eps()));
  act_ = register_any(*this, "act", make_activation(o.act()));
}

at::Tensor ConvNormAct::forward(at::Tensor x) {
  return act_.forward(norm_.forward(conv_.forward(x)));
}

}  // namespace medcnn
