// ResNet-18/34/50 (He et al. 2016, "Deep residual learning for image
// recognition"), torchvision's layout (v1.5 bottleneck), 1-D/2-D/3-D.
//
// Params: width (64: channels of the first stage; stages double it), stem
// ("imagenet": 7x7 conv stride 2 + 3x3 max pool stride 2; "small": 3x3
// conv stride 1, no pooling, as CIFAR ResNets, for inputs like 28x28),
// dropout (0: before the classifier), head_pool (1: the head's adaptive
// average pooling grid per axis; 1 is global pooling, a localization head
// wants a few cells so it keeps where things are).
// Names: stem.conv, stem.bn, layer1..layer4 (blocks "0", "1", ... named as
// torchvision's), head.fc.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/bottleneck.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/residual_block.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/headed_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class ResNet : public HeadedNetwork {
 public:
  ResNet(const NetworkSpec& spec, const std::vector<int64_t>& blocks, bool bottleneck)
      : HeadedNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "stem", "dropout", "head_pool"});
    const int64_t width = p.get_int("width", 64);
    const std::string stem = p.get_string("stem", "imagenet", {"imagenet", "small"});
    const double dropout = p.get_prob("dropout", 0.0);
    // The head's adaptive average pooling grid: 1 = global pooling; a
    // localization head wants more (e.g. 4) so it keeps where things are.
    const int64_t head_pool = p.get_int("head_pool", 1);
    const int64_t d = spec.spatial_dims;

    SizeChain sizes;
    if (stem == "imagenet") {
      stem_ = imagenet_stem(d, spec.in_channels, width);
      sizes.conv(7, 2, 3);
      sizes.pool(3, 2, 1);
    } else {
      stem_ = std::make_shared<Chain>();
      stem_->add("conv", conv_nd(d, spec.in_channels, width, 3, 1, 1, 1, 1, false));
      stem_->add("bn", batch_norm_nd(d, width));
      stem_->add("act", torch::nn::AnyModule(torch::nn::ReLU()));
      sizes.conv(3, 1, 1);
    }
    register_module("stem", stem_);

    const int64_t expansion = bottleneck ? Bottleneck::kExpansion : ResidualBlock::kExpansion;
    int64_t in = width;
    for (size_t s = 0; s < blocks.size(); ++s) {
      const int64_t planes = width << s;
      auto stage = std::make_shared<Chain>();
      for (int64_t b = 0; b < blocks[s]; ++b) {
        const int64_t stride = (s > 0 && b == 0) ? 2 : 1;
        if (bottleneck)
          stage->add(std::make_shared<Bottleneck>(d, in, planes, stride));
        else
          stage->add(std::make_shared<ResidualBlock>(d, in, planes, stride));
        in = planes * expansion;
      }
      if (s > 0) sizes.conv(3, 2, 1);
      register_module("layer" + std::to_string(s + 1), stage);
      layers_.push_back(stage);
    }
    min_input_size_ = sizes.min_input();
    build_head(in, HeadOptions().dropout(dropout).pool_size(head_pool));
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    x = tapped("stem", stem_->forward(x));
    for (size_t i = 0; i < layers_.size(); ++i)
      x = tapped("layer" + std::to_string(i + 1), layers_[i]->forward(x));
    return x;
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names{"stem"};
    for (size_t i = 0; i < layers_.size(); ++i) names.push_back("layer" + std::to_string(i + 1));
    names.push_back("features");
    return names;
  }

 private:
  ChainPtr stem_;
  std::vector<ChainPtr> layers_;
};

class ResNet18 : public ResNet {
 public:
  explicit ResNet18(const NetworkSpec& s) : ResNet(s, {2, 2, 2, 2}, false) {}
};
class ResNet34 : public ResNet {
 public:
  explicit ResNet34(const NetworkSpec& s) : ResNet(s, {3, 4, 6, 3}, false) {}
};
class ResNet50 : public ResNet {
 public:
  explicit ResNet50(const NetworkSpec& s) : ResNet(s, {3, 4, 6, 3}, true) {}
};

MEDCNN_REGISTER_NETWORK("resnet18", ResNet18);
MEDCNN_REGISTER_NETWORK("resnet34", ResNet34);
MEDCNN_REGISTER_NETWORK("resnet50", ResNet50);

}  // namespace
}  // namespace medcnn
