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
#include "medcnn/nn/blocks/classifier_head.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

constexpr int64_t M = 0;  // max pool

class Vgg : public Network {
 public:
  Vgg(const NetworkSpec& spec, const std::vector<int64_t>& cfg) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "batch_norm", "fc_width", "dropout", "pool_size"});
    const int64_t width = p.get_int("width", 64);
    const bool bn = p.get_bool("batch_norm", false);
    fc_width_ = p.get_int("fc_width", 4096);
    dropout_ = p.get_prob("dropout", 0.5);
    const int64_t d = spec.spatial_dims;
    pool_size_ = p.get_int("pool_size", d == 1 ? 49 : d == 2 ? 7 : 3);

    SizeChain sizes;
    features_ = std::make_shared<Chain>();
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
    return std::make_shared<ClassifierHead>(
        spec_.spatial_dims, channels_, n,
        HeadOptions().pool_size(pool_size_).hidden({fc_width_, fc_width_})
            .hidden_dropout(dropout_));
  }
  ChainPtr features_;
  std::shared_ptr<ClassifierHead> head_;
  int64_t channels_ = 0, fc_width_ = 4096, pool_size_ = 7;
  double dropout_ = 0.5;
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
