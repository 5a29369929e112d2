// Xception-style network (Chollet 2017, "Xception: deep learning with
// depthwise separable convolutions"), reduced by default, 1-D/2-D/3-D.
//
// Entry flow: 3x3 conv stride 2 (32) -> 3x3 conv (64) -> XceptionBlocks to
// 128, 256, 728 channels, each stride 2; middle flow: `middle_blocks`
// XceptionBlocks of 728 channels (3 separable convs each); exit flow: a
// block to 1024 (stride 2), separable convs to 1536 and 2048 with BN and
// ReLU. The paper's layout has 8 middle blocks and unpadded stem convs; the
// default here keeps 4 middle blocks and pads the stem ("same"), so small
// inputs work.
// Params: width (1.0: multiplier of every channel count), middle_blocks (4),
// dropout (0: before the classifier).
// Names: stem.*, entry.N, middle.N, exit.*, head.fc.
#include <cmath>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/separable_conv.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/blocks/xception_block.h"
#include "medcnn/nn/headed_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class Xception : public HeadedNetwork {
 public:
  explicit Xception(const NetworkSpec& spec) : HeadedNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "middle_blocks", "dropout"});
    const double width = p.get_double("width", 1.0, 1e-3, 64.0);
    const int64_t middle = p.get_int("middle_blocks", 4, 0, 64);
    const double dropout = p.get_prob("dropout", 0.0);
    const int64_t d = spec.spatial_dims;
    auto c = [width](int64_t n) { return std::max<int64_t>(1, std::llround(n * width)); };
    using torch::nn::AnyModule;

    SizeChain sizes;
    stem_ = std::make_shared<Chain>();
    stem_->add("conv1", std::make_shared<ConvNormAct>(
                            ConvNormActOptions(d, spec.in_channels, c(32), 3).stride(2)))
        .add("conv2", std::make_shared<ConvNormAct>(ConvNormActOptions(d, c(32), c(64), 3)));
    register_module("stem", stem_);
    sizes.conv(3, 2, 1);

    entry_ = std::make_shared<Chain>();
    entry_->add(std::make_shared<XceptionBlock>(d, c(64), c(128), 2, 2, false, true))
        .add(std::make_shared<XceptionBlock>(d, c(128), c(256), 2, 2, true, true))
        .add(std::make_shared<XceptionBlock>(d, c(256), c(728), 2, 2, true, true));
    register_module("entry", entry_);
    for (int i = 0; i < 3; ++i) sizes.pool(3, 2, 1);

    middle_ = std::make_shared<Chain>();
    for (int64_t i = 0; i < middle; ++i)
      middle_->add(std::make_shared<XceptionBlock>(d, c(728), c(728), 3, 1, true, true));
    register_module("middle", middle_);

    exit_ = std::make_shared<Chain>();
    exit_->add("block", std::make_shared<XceptionBlock>(d, c(728), c(1024), 2, 2, true, false))
        .add("sepconv1", std::make_shared<SeparableConv>(d, c(1024), c(1536)))
        .add("bn1", batch_norm_nd(d, c(1536)))
        .add("act1", AnyModule(torch::nn::ReLU()))
        .add("sepconv2", std::make_shared<SeparableConv>(d, c(1536), c(2048)))
        .add("bn2", batch_norm_nd(d, c(2048)))
        .add("act2", AnyModule(torch::nn::ReLU()));
    register_module("exit", exit_);
    sizes.pool(3, 2, 1);
    min_input_size_ = sizes.min_input();
    build_head(c(2048), HeadOptions().dropout(dropout));
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    x = tapped("entry", entry_->forward(tapped("stem", stem_->forward(x))));
    if (!middle_->empty()) x = tapped("middle", middle_->forward(x));
    return tapped("exit", exit_->forward(x));
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names{"stem", "entry"};
    if (!middle_->empty()) names.push_back("middle");
    names.insert(names.end(), {"exit", "features"});
    return names;
  }

 private:
  ChainPtr stem_, entry_, middle_, exit_;
};

MEDCNN_REGISTER_NETWORK("xception", Xception);

}  // namespace
}  // namespace medcnn
