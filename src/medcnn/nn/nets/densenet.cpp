// DenseNet-121 (Huang et al. 2017, "Densely connected convolutional
// networks"), DenseNet-BC with torchvision's layout, 1-D/2-D/3-D.
//
// Params: growth_rate (32), init_features (64), bn_size (4), drop_rate (0:
// dropout inside dense layers), dropout (0: before the classifier), stem
// ("imagenet": 7x7 conv stride 2 + 3x3 max pool stride 2; "small": 3x3 conv
// stride 1, no pooling).
// Names: features.conv0, features.norm0, features.denseblock1.denselayer1...,
// features.transition1..3, features.norm5, head.fc.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/dense_block.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/blocks/transition.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class DenseNet : public ChainNetwork {
 public:
  DenseNet(const NetworkSpec& spec, const std::vector<int64_t>& block_config) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"growth_rate", "init_features", "bn_size", "drop_rate", "dropout", "stem"});
    const int64_t growth = p.get_int("growth_rate", 32);
    const int64_t init = p.get_int("init_features", 64);
    const int64_t bn_size = p.get_int("bn_size", 4);
    const double drop_rate = p.get_prob("drop_rate", 0.0);
    const double dropout = p.get_prob("dropout", 0.0);
    const std::string stem = p.get_string("stem", "imagenet", {"imagenet", "small"});
    const int64_t d = spec.spatial_dims;
    using torch::nn::AnyModule;

    SizeChain sizes;
    if (stem == "imagenet") {
      features_->add("conv0", conv_nd(d, spec.in_channels, init, 7, 2, 3, 1, 1, false));
      features_->add("norm0", batch_norm_nd(d, init));
      features_->add("relu0", AnyModule(torch::nn::ReLU()));
      features_->add("pool0", max_pool_nd(d, 3, 2, 1));
      sizes.conv(7, 2, 3);
      sizes.pool(3, 2, 1);
    } else {
      features_->add("conv0", conv_nd(d, spec.in_channels, init, 3, 1, 1, 1, 1, false));
      features_->add("norm0", batch_norm_nd(d, init));
      features_->add("relu0", AnyModule(torch::nn::ReLU()));
      sizes.conv(3, 1, 1);
    }
    int64_t ch = init;
    for (size_t i = 0; i < block_config.size(); ++i) {
      auto block = std::make_shared<DenseBlock>(d, block_config[i], ch, growth, bn_size, drop_rate);
      features_->add("denseblock" + std::to_string(i + 1), block);
      ch = block->out_channels();
      if (i + 1 < block_config.size()) {
        features_->add("transition" + std::to_string(i + 1),
                       std::make_shared<Transition>(d, ch, ch / 2));
        ch /= 2;
        sizes.pool(2, 2);
      }
    }
    features_->add("norm5", batch_norm_nd(d, ch));
    features_->add("relu5", AnyModule(torch::nn::ReLU()));
    min_input_size_ = sizes.min_input();
    build_head(ch, HeadOptions().dropout(dropout));
  }
};

class DenseNet121 : public DenseNet {
 public:
  explicit DenseNet121(const NetworkSpec& s) : DenseNet(s, {6, 12, 24, 16}) {}
};

MEDCNN_REGISTER_NETWORK("densenet121", DenseNet121);

}  // namespace
}  // namespace medcnn
