// LeNet-5 (LeCun et al. 1998) in its common modern form: C1 5x5 conv (6),
// S2 2x2 pooling, C3 5x5 conv (16, fully connected), S4 pooling, C5 5x5 conv
// (120), F6 (84), output layer; 1-D/2-D/3-D.
//
// Params: padding (2: C1 padding, so 28x28 inputs work; 0 is the original
// 32x32 layout), act ("tanh"), pool ("avg": subsampling, or "max"),
// dropout (0: before F6).
// Names: features.c1, features.c3, features.c5, head.fc1 (F6), head.fc.
// features() is C5's output; the head averages it globally (1x1 for the
// original input size), so larger inputs work too.
#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class LeNet5 : public ChainNetwork {
 public:
  explicit LeNet5(const NetworkSpec& spec) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"padding", "act", "pool", "dropout"});
    const int64_t padding = p.get_int("padding", 2, 0, 4);
    const std::string act = p.get_string("act", "tanh");
    const std::string pool = p.get_string("pool", "avg", {"avg", "max"});
    const double dropout = p.get_prob("dropout", 0.0);
    const int64_t d = spec.spatial_dims;
    auto subsample = [&] { return pool == "avg" ? avg_pool_nd(d, 2, 2) : max_pool_nd(d, 2, 2); };

    features_->add("c1", conv_nd(d, spec.in_channels, 6, 5, 1, padding))
        .add("a1", make_activation(act))
        .add("s2", subsample())
        .add("c3", conv_nd(d, 6, 16, 5))
        .add("a3", make_activation(act))
        .add("s4", subsample())
        .add("c5", conv_nd(d, 16, 120, 5))
        .add("a5", make_activation(act));
    SizeChain sizes;
    sizes.conv(5, 1, padding);
    sizes.pool(2, 2);
    sizes.conv(5);
    sizes.pool(2, 2);
    sizes.conv(5);
    min_input_size_ = sizes.min_input();
    build_head(120, HeadOptions().hidden({84}).act(act).dropout(dropout));
  }
};

MEDCNN_REGISTER_NETWORK("lenet5", LeNet5);

}  // namespace
}  // namespace medcnn
