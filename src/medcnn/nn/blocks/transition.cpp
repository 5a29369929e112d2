#include "medcnn/nn/blocks/transition.h"

#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

Transition::Transition(int64_t dims, int64_t in, int64_t out) {
  norm_ = register_any(*this, "norm", batch_norm_nd(dims, in));
  conv_ = register_any(*this, "conv", conv_nd(dims, in, out, 1, 1, 0, 1, 1, false));
  pool_ = register_any(*this, "pool", avg_pool_nd(dims, 2, 2));
}

at::Tensor Transition::forward(at::Tensor x) {
  return pool_.forward(conv_.forward(torch::relu(norm_.forward(x))));
}

}  // namespace medcnn
