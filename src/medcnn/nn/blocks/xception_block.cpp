#include "medcnn/nn/blocks/xception_block.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/separable_conv.h"

namespace medcnn {

XceptionBlock::XceptionBlock(int64_t dims, int64_t in, int64_t out, int64_t reps, int64_t stride,
                             bool start_with_relu, bool grow_first) {
  if (reps < 1) throw ConfigError("XceptionBlock", "reps must be at least 1");
  rep_ = std::make_shared<Chain>();
  int64_t ch = in;
  for (int64_t i = 0; i < reps; ++i) {
    const bool grow = grow_first ? i == 0 : i == reps - 1;
    const int64_t next = grow ? out : ch;
    if (i > 0 || start_with_relu) rep_->add(torch::nn::AnyModule(torch::nn::ReLU()));
    rep_->add(std::make_shared<SeparableConv>(dims, ch, next, 3, 1, 1));
    rep_->add(batch_norm_nd(dims, next));
    ch = next;
  }
  if (stride > 1) rep_->add(max_pool_nd(dims, 3, stride, 1));
  register_module("rep", rep_);
  skip_ = projection_shortcut(dims, in, out, stride);
  if (skip_) register_module("skip", skip_);
}

at::Tensor XceptionBlock::forward(at::Tensor x) {
  at::Tensor skip = skip_ ? skip_->forward(x) : x;
  return rep_->forward(x) + skip;
}

}  // namespace medcnn
