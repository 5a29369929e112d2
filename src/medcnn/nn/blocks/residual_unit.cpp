#include "medcnn/nn/blocks/residual_unit.h"

#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

ResidualUnit::ResidualUnit(int64_t dims, int64_t in, int64_t out, const std::string& norm,
                           const std::string& act, int64_t kernel) {
  const bool bias = norm == "none";
  conv1_ = register_any(*this, "conv1", conv_nd(dims, in, out, kernel, 1, -1, 1, 1, bias));
  norm1_ = register_any(*this, "norm1", norm_nd(norm, dims, out));
  conv2_ = register_any(*this, "conv2", conv_nd(dims, out, out, kernel, 1, -1, 1, 1, bias));
  norm2_ = register_any(*this, "norm2", norm_nd(norm, dims, out));
  act_ = register_any(*this, "act", make_activation(act));
  if (in != out) {
    shortcut_ = std::make_shared<Chain>();
    shortcut_->add(conv_nd(dims, in, out, 1, 1, 0, 1, 1, false));
    shortcut_->add(norm_nd(norm, dims, out));
    register_module("shortcut", shortcut_);
  }
}

at::Tensor ResidualUnit::forward(at::Tensor x) {
  at::Tensor y = act_.forward(norm1_.forward(conv1_.forward(x)));
  y = norm2_.forward(conv2_.forward(y));
  return act_.forward(y + (shortcut_ ? shortcut_->forward(x) : x));
}

}  // namespace medcnn
