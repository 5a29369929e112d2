// AlexNet (Krizhevsky et al. 2012), torchvision's single-stream layout
// (64, 192, 384, 256, 256 filters; no local response normalisation),
// 1-D/2-D/3-D.
//
// Params: width (1.0: multiplier of the filter counts), fc_width (4096),
// dropout (0.5: after each hidden FC layer, as the paper), pool_size
// (adaptive average pooling before the classifier, per axis: 6 for 2-D as
// torchvision, 36 for 1-D, 3 for 3-D).
// Names: features.N (torchvision's indices), head.fc1, head.fc2, head.fc.
#include <cmath>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/classifier_head.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

class AlexNet : public Network {
 public:
  explicit AlexNet(const NetworkSpec& spec) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "fc_width", "dropout", "pool_size"});
    const double width = p.get_double("width", 1.0, 1e-3, 64.0);
    fc_width_ = p.get_int("fc_width", 4096);
    dropout_ = p.get_prob("dropout", 0.5);
    const int64_t d = spec.spatial_dims;
    pool_size_ = p.get_int("pool_size", d == 1 ? 36 : d == 2 ? 6 : 3);
    auto c = [width](int64_t n) { return std::max<int64_t>(1, std::llround(n * width)); };
    auto relu = [] { return torch::nn::AnyModule(torch::nn::ReLU()); };

    features_ = std::make_shared<Chain>();
    features_->add(conv_nd(d, spec.in_channels, c(64), 11, 4, 2)).add(relu())
        .add(max_pool_nd(d, 3, 2));
    features_->add(conv_nd(d, c(64), c(192), 5, 1, 2)).add(relu()).add(max_pool_nd(d, 3, 2));
    features_->add(conv_nd(d, c(192), c(384), 3, 1, 1)).add(relu());
    features_->add(conv_nd(d, c(384), c(256), 3, 1, 1)).add(relu());
    features_->add(conv_nd(d, c(256), c(256), 3, 1, 1)).add(relu()).add(max_pool_nd(d, 3, 2));
    register_module("features", features_);
    SizeChain sizes;
    sizes.conv(11, 4, 2);
    sizes.pool(3, 2);
    sizes.conv(5, 1, 2);
    sizes.pool(3, 2);
    sizes.pool(3, 2);
    min_input_size_ = sizes.min_input();
    channels_ = c(256);
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
    return std::make_shared<ClassifierHead>(
        spec_.spatial_dims, channels_, n,
        HeadOptions().pool_size(pool_size_).hidden({fc_width_, fc_width_})
            .hidden_dropout(dropout_));
  }
  ChainPtr features_;
  std::shared_ptr<ClassifierHead> head_;
  int64_t channels_ = 0, fc_width_ = 4096, pool_size_ = 6;
  double dropout_ = 0.5;
};

MEDCNN_REGISTER_NETWORK("alexnet", AlexNet);

}  // namespace
}  // namespace medcnn
