// ZFNet (Zeiler & Fergus 2014, "Visualizing and understanding convolutional
// networks"): AlexNet with a 7x7 stride-2 first layer and a stride-2 second
// layer (96, 256, 384, 384, 256 filters; 224 -> 110 -> 55 -> 26 -> 13 -> 6 as
// in the paper), 1-D/2-D/3-D.
//
// Params: width (1.0: multiplier of the filter counts), fc_width (4096),
// dropout (0.5: after each hidden FC layer), lrn (false: local response
// normalisation, size 5, after layers 1 and 2, standing in for the paper's
// contrast normalisation), pool_size (adaptive average pooling before the
// classifier, per axis: 6 for 2-D, 36 for 1-D, 3 for 3-D).
// Names: features.N, head.fc1, head.fc2, head.fc.
#include <cmath>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class ZfNet : public ChainNetwork {
 public:
  explicit ZfNet(const NetworkSpec& spec) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "fc_width", "dropout", "lrn", "pool_size"});
    const double width = p.get_double("width", 1.0, 1e-3, 64.0);
    const int64_t fc_width = p.get_int("fc_width", 4096);
    const double dropout = p.get_prob("dropout", 0.5);
    const bool lrn = p.get_bool("lrn", false);
    const int64_t d = spec.spatial_dims;
    const int64_t pool_size = p.get_int("pool_size", d == 1 ? 36 : d == 2 ? 6 : 3);
    auto c = [width](int64_t n) { return std::max<int64_t>(1, std::llround(n * width)); };
    auto relu = [] { return torch::nn::AnyModule(torch::nn::ReLU()); };
    auto norm = [] {
      return torch::nn::AnyModule(torch::nn::LocalResponseNorm(
          torch::nn::LocalResponseNormOptions(5).alpha(1e-4).beta(0.75).k(2.0)));
    };

    features_->add(conv_nd(d, spec.in_channels, c(96), 7, 2, 1)).add(relu());
    if (lrn) features_->add(norm());
    features_->add(max_pool_nd(d, 3, 2, 1));
    features_->add(conv_nd(d, c(96), c(256), 5, 2, 0)).add(relu());
    if (lrn) features_->add(norm());
    features_->add(max_pool_nd(d, 3, 2, 1));
    features_->add(conv_nd(d, c(256), c(384), 3, 1, 1)).add(relu());
    features_->add(conv_nd(d, c(384), c(384), 3, 1, 1)).add(relu());
    features_->add(conv_nd(d, c(384), c(256), 3, 1, 1)).add(relu()).add(max_pool_nd(d, 3, 2));
    SizeChain sizes;
    sizes.conv(7, 2, 1);
    sizes.pool(3, 2, 1);
    sizes.conv(5, 2, 0);
    sizes.pool(3, 2, 1);
    sizes.pool(3, 2);
    min_input_size_ = sizes.min_input();
    build_head(c(256), HeadOptions().pool_size(pool_size).hidden({fc_width, fc_width})
                           .hidden_dropout(dropout));
  }
};

MEDCNN_REGISTER_NETWORK("zfnet", ZfNet);

}  // namespace
}  // namespace medcnn
