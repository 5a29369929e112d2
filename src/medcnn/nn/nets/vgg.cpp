// VGG-11 and VGG-16 (Simonyan & Zisserman 2015, configurations A and D),
// torchvision's layout, 1-D/2-D/3-D.
//
// Params: width (64: channels of the first stage; stages use 1, 2, 4, 8, 8
// times it), batch_norm (false: conv -> BN -> ReLU, as vgg*_bn), fc_width
// (4096: the two hidden FC layers), dropout (0.5: after each hidden FC
// layer), pool_size (adaptive average pooling before the classifier, per
// axis: 7 for 2-D as torchvision, 49 for 1-D, 3 for 3-D).
// Names: features.N (torchvision's indices), head.fc1, head.fc2, head.fc.
// features() is the output of the last max pool; min input 32.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

constexpr int64_t M = 0;  // max pool

class Vgg : public ChainNetwork {
 public:
  Vgg(const NetworkSpec& spec, const std::vector<int64_t>& cfg) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "batch_norm", "fc_width", "dropout", "pool_size"});
    const int64_t width = p.get_int("width", 64);
    const bool bn = p.get_bool("batch_norm", false);
    const int64_t fc_width = p.get_int("fc_width", 4096);
    const double dropout = p.get_prob("dropout", 0.5);
    const int64_t d = spec.spatial_dims;
    const int64_t pool_size = p.get_int("pool_size", d == 1 ? 49 : d == 2 ? 7 : 3);

    SizeChain sizes;
    int64_t in = spec.in_channels;
    for (int64_t v : cfg) {
      if (v == M) {
        features_->add(max_pool_nd(d, 2, 2));
        sizes.pool(2, 2);
        continue;
      }
      const int64_t out = width * v / 64;
      features_->add(conv_nd(d, in, out, 3, 1, 1));
      if (bn) features_->add(batch_norm_nd(d, out));
      features_->add(torch::nn::AnyModule(torch::nn::ReLU()));
      in = out;
    }
    min_input_size_ = sizes.min_input();
    build_head(in, HeadOptions().pool_size(pool_size).hidden({fc_width, fc_width})
                       .hidden_dropout(dropout));
  }
};

class Vgg11 : public Vgg {
 public:
  explicit Vgg11(const NetworkSpec& s)
      : Vgg(s, {64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M}) {}
};
class Vgg16 : public Vgg {
 public:
  explicit Vgg16(const NetworkSpec& s)
      : Vgg(s, {64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M}) {}
};

MEDCNN_REGISTER_NETWORK("vgg11", Vgg11);
MEDCNN_REGISTER_NETWORK("vgg16", Vgg16);

}  // namespace
}  // namespace medcnn
