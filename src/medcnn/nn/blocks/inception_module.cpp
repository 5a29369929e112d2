#include "medcnn/nn/blocks/inception_module.h"

#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {
namespace {

std::shared_ptr<ConvNormAct> basic(int64_t dims, int64_t in, int64_t out, int64_t k) {
  return std::make_shared<ConvNormAct>(ConvNormActOptions(dims, in, out, k).norm_eps(1e-3));
}

}  // namespace

InceptionModule::InceptionModule(int64_t dims, int64_t in, const InceptionChannels& ch,
                                 int64_t branch3_kernel)
    : out_channels_(ch.out()) {
  branch1_ = register_module("branch1", basic(dims, in, ch.ch1x1, 1));
  branch2_ = std::make_shared<Chain>();
  branch2_->add(basic(dims, in, ch.ch3x3red, 1)).add(basic(dims, ch.ch3x3red, ch.ch3x3, 3));
  register_module("branch2", branch2_);
  branch3_ = std::make_shared<Chain>();
  branch3_->add(basic(dims, in, ch.ch5x5red, 1))
      .add(basic(dims, ch.ch5x5red, ch.ch5x5, branch3_kernel));
  register_module("branch3", branch3_);
  branch4_ = std::make_shared<Chain>();
  branch4_->add(max_pool_nd(dims, 3, 1, 1, true)).add(basic(dims, in, ch.pool_proj, 1));
  register_module("branch4", branch4_);
}

at::Tensor InceptionModule::forward(at::Tensor x) {
  return torch::cat({branch1_->forward(x), branch2_->forward(x), branch3_->forward(x),
                     branch4_->forward(x)},
                    1);
}

}  // namespace medcnn
