// GoogLeNet / Inception v1 (Szegedy et al. 2015, "Going deeper with
// convolutions"), torchvision's layout without the auxiliary classifiers
// (batch-normalised convolutions, ceil-mode pooling), 1-D/2-D/3-D.
//
// Params: width (1.0: multiplier of every channel count), dropout (0.2,
// before the classifier, as torchvision), branch3_kernel (3: the kernel of
// the "5x5" branch; torchvision uses 3, the paper 5).
// Names: features.conv1..3, features.inception3a..5b (branch1..4), head.fc.
#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/inception_module.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class GoogLeNet : public ChainNetwork {
 public:
  explicit GoogLeNet(const NetworkSpec& spec) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "dropout", "branch3_kernel"});
    const double width = p.get_double("width", 1.0, 1e-3, 64.0);
    const double dropout = p.get_prob("dropout", 0.2);
    const int64_t k3 = p.get_int("branch3_kernel", 3);
    if (k3 % 2 == 0) throw ConfigError(p.where("branch3_kernel"), "must be odd");
    const int64_t d = spec.spatial_dims;
    auto c = [width](int64_t n) { return std::max<int64_t>(1, std::llround(n * width)); };
    auto basic = [&](int64_t in, int64_t out, int64_t k, int64_t stride) {
      return std::make_shared<ConvNormAct>(
          ConvNormActOptions(d, in, out, k).stride(stride).norm_eps(1e-3));
    };

    features_->add("conv1", basic(spec.in_channels, c(64), 7, 2))
        .add("maxpool1", max_pool_nd(d, 3, 2, 0, true))
        .add("conv2", basic(c(64), c(64), 1, 1))
        .add("conv3", basic(c(64), c(192), 3, 1))
        .add("maxpool2", max_pool_nd(d, 3, 2, 0, true));
    SizeChain sizes;
    sizes.conv(7, 2, 3);
    sizes.pool(3, 2, 0, true);
    sizes.pool(3, 2, 0, true);

    int64_t in = c(192);
    auto inception = [&](const std::string& name, InceptionChannels ch) {
      ch = {c(ch.ch1x1), c(ch.ch3x3red), c(ch.ch3x3), c(ch.ch5x5red), c(ch.ch5x5),
            c(ch.pool_proj)};
      auto m = std::make_shared<InceptionModule>(d, in, ch, k3);
      features_->add(name, m);
      in = m->out_channels();
    };
    inception("inception3a", {64, 96, 128, 16, 32, 32});
    inception("inception3b", {128, 128, 192, 32, 96, 64});
    features_->add("maxpool3", max_pool_nd(d, 3, 2, 0, true));
    sizes.pool(3, 2, 0, true);
    inception("inception4a", {192, 96, 208, 16, 48, 64});
    inception("inception4b", {160, 112, 224, 24, 64, 64});
    inception("inception4c", {128, 128, 256, 24, 64, 64});
    inception("inception4d", {112, 144, 288, 32, 64, 64});
    inception("inception4e", {256, 160, 320, 32, 128, 128});
    features_->add("maxpool4", max_pool_nd(d, 2, 2, 0, true));
    sizes.pool(2, 2, 0, true);
    inception("inception5a", {256, 160, 320, 32, 128, 128});
    inception("inception5b", {384, 192, 384, 48, 128, 128});
    min_input_size_ = sizes.min_input();
    build_head(in, HeadOptions().dropout(dropout));
  }
};

MEDCNN_REGISTER_NETWORK("googlenet", GoogLeNet);

}  // namespace
}  // namespace medcnn
