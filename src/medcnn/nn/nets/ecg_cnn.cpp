// ecg_cnn_1d: a compact 1-D CNN for ECG (and other) signals: three
// convolution blocks and two fully connected layers (spatial_dims 1 only).
//
//   ConvNormAct(in -> w, 7) + 2x max pool, ConvNormAct(w -> 2w, 5) + 2x max
//   pool, ConvNormAct(2w -> 4w, 3)  -> features [B, 4w, L / 4]
//   head: global average pooling, FC(4w -> hidden), ReLU, dropout, FC.
// Params: width (32), hidden (64), dropout (0), norm ("batch", "instance"
// or "none").
// Names: features.conv1..3, head.fc1, head.fc. Min input length 4.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class EcgCnn1d : public ChainNetwork {
 public:
  explicit EcgCnn1d(const NetworkSpec& spec) : ChainNetwork(spec) {
    require_dims({1});
    NetParams p(spec, {"width", "hidden", "dropout", "norm"});
    const int64_t w = p.get_int("width", 32);
    const int64_t hidden = p.get_int("hidden", 64);
    const double dropout = p.get_prob("dropout", 0.0);
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "none"});
    auto cna = [&](int64_t in, int64_t out, int64_t k) {
      return std::make_shared<ConvNormAct>(ConvNormActOptions(1, in, out, k).norm(norm));
    };
    features_->add("conv1", cna(spec.in_channels, w, 7)).add("pool1", max_pool_nd(1, 2))
        .add("conv2", cna(w, 2 * w, 5)).add("pool2", max_pool_nd(1, 2))
        .add("conv3", cna(2 * w, 4 * w, 3));
    SizeChain sizes;
    sizes.pool(2, 2);
    sizes.pool(2, 2);
    min_input_size_ = sizes.min_input();
    build_head(4 * w, HeadOptions().hidden({hidden}).hidden_dropout(dropout));
  }
};

MEDCNN_REGISTER_NETWORK("ecg_cnn_1d", EcgCnn1d);

}  // namespace
}  // namespace medcnn
