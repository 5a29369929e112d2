// lung_cnn_2x2: the small-kernel CNN for lung tissue patterns of
// Anthimopoulos et al. 2016 ("Lung pattern classification for interstitial
// lung diseases using a deep convolutional neural network", IEEE TMI),
// 1-D/2-D/3-D.
//
// Five 2x2 convolutions (stride 1, no padding) with LeakyReLU; layer L
// (1..5) has k * (L + 1)^2 kernels (the receptive field's area: 16, 36, 64,
// 100, 144 for k = 4); average pooling over the whole last map; three
// dense layers of 6 * C5, 2 * C5 and num_classes units (C5 = last conv's
// kernel count), LeakyReLU, dropout before each dense layer.
// Params: k (4), alpha (0.3: LeakyReLU slope), dropout (0.5).
// Names: features.conv1..5 (conv), head.fc1, head.fc2, head.fc. Min input 6.
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/chain_network.h"
#include "medcnn/nn/net_params.h"

namespace medcnn {
namespace {

class LungCnn2x2 : public ChainNetwork {
 public:
  explicit LungCnn2x2(const NetworkSpec& spec) : ChainNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"k", "alpha", "dropout"});
    const int64_t k = p.get_int("k", 4);
    const std::string act =
        "leaky_relu(" + std::to_string(p.get_double("alpha", 0.3, 0.0, 1.0)) + ")";
    const double dropout = p.get_prob("dropout", 0.5);
    const int64_t d = spec.spatial_dims;

    SizeChain sizes;
    int64_t in = spec.in_channels;
    for (int64_t layer = 1; layer <= 5; ++layer) {
      const int64_t out = k * (layer + 1) * (layer + 1);
      features_->add("conv" + std::to_string(layer),
                     std::make_shared<ConvNormAct>(
                         ConvNormActOptions(d, in, out, 2).padding(0).norm("none").act(act)));
      sizes.conv(2);
      in = out;
    }
    min_input_size_ = sizes.min_input();
    build_head(in, HeadOptions()
                       .hidden({6 * in, 2 * in})
                       .act(act)
                       .dropout(dropout)
                       .hidden_dropout(dropout));
  }
};

MEDCNN_REGISTER_NETWORK("lung_cnn_2x2", LungCnn2x2);

}  // namespace
}  // namespace medcnn
