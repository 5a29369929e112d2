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
#include "medcnn/nn/blocks/classifier_head.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

class LungCnn2x2 : public Network {
 public:
  explicit LungCnn2x2(const NetworkSpec& spec) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"k", "alpha", "dropout"});
    const int64_t k = p.get_int("k", 4);
    act_ = "leaky_relu(" + std::to_string(p.get_double("alpha", 0.3, 0.0, 1.0)) + ")";
    dropout_ = p.get_prob("dropout", 0.5);
    const int64_t d = spec.spatial_dims;

    SizeChain sizes;
    features_ = std::make_shared<Chain>();
    int64_t in = spec.in_channels;
    for (int64_t layer = 1; layer <= 5; ++layer) {
      const int64_t out = k * (layer + 1) * (layer + 1);
      features_->add("conv" + std::to_string(layer),
                     std::make_shared<ConvNormAct>(
                         ConvNormActOptions(d, in, out, 2).padding(0).norm("none").act(act_)));
      sizes.conv(2);
      in = out;
    }
    register_module("features", features_);
    channels_ = in;
    min_input_size_ = sizes.min_input();
    head_ = make_head(spec.num_classes);
    install_head(head_, spec.num_classes);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    return features_->forward(x);
  }
  at::Tensor head(at::Tensor f) override { return head_->forward(f); }
  void reset_head(int64_t num_classes) override {
    head_ = make_head(num_classes);
    install_head(head_, num_classes);
  }

 private:
  std::shared_ptr<ClassifierHead> make_head(int64_t n) const {
    return std::make_shared<ClassifierHead>(spec_.spatial_dims, channels_, n,
                                            HeadOptions()
                                                .hidden({6 * channels_, 2 * channels_})
                                                .act(act_)
                                                .dropout(dropout_)
                                                .hidden_dropout(dropout_));
  }
  ChainPtr features_;
  std::shared_ptr<ClassifierHead> head_;
  int64_t channels_ = 0;
  std::string act_;
  double dropout_ = 0.5;
};

MEDCNN_REGISTER_NETWORK("lung_cnn_2x2", LungCnn2x2);

}  // namespace
}  // namespace medcnn
