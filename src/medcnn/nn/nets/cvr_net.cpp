// CVR-Net-style multi-scale multi-encoder ensemble (Hasan et al. 2021,
// "CVR-Net: a deep convolutional neural network for coronavirus recognition
// from chest radiography images"), 1-D/2-D/3-D.
//
// `encoders` small CNN encoders see the input at scales 1, 1/2, 1/4, ...
// (average pooling by 2^i). Encoder i has `stages` - i stages; stage j is
// two ConvNormAct 3x3 layers to w * 2^(i+j) channels, each stage but the
// last followed by a 2x max pool. So every encoder ends with w * 2^(stages-1)
// channels on the same grid (floor(n / 2^(stages-1))), and features() is
// their concatenation on channels. The head pools each encoder's part
// globally and either averages per-encoder logits (fusion "mean": one FC
// per encoder, head.fc0, head.fc1, ...) or classifies the concatenation
// (fusion "concat": head.fc).
// Params: width (16), encoders (3), stages (4; >= encoders), fusion
// ("mean"), dropout (0). Min input 2^(stages-1).
#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/global_pool.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

// Global average pooling, dropout, then mean of per-encoder logits or one
// FC over the concatenation.
class CvrHead : public Block {
 public:
  CvrHead(int64_t encoders, int64_t channels, int64_t num_classes, const std::string& fusion,
          double dropout)
      : encoders_(encoders), channels_(channels), mean_(fusion == "mean") {
    dropout_ = register_any(*this, "dropout", dropout_nd(dropout));
    if (mean_) {
      for (int64_t i = 0; i < encoders; ++i)
        fcs_.push_back(register_module("fc" + std::to_string(i),
                                       torch::nn::Linear(channels, num_classes)));
    } else {
      fcs_.push_back(register_module("fc", torch::nn::Linear(channels * encoders, num_classes)));
    }
  }
  at::Tensor forward(at::Tensor x) override {
    at::Tensor f = dropout_.forward(global_pool(x, "avg"));
    if (!mean_) return fcs_[0]->forward(f);
    at::Tensor sum;
    for (int64_t i = 0; i < encoders_; ++i) {
      at::Tensor logits = fcs_[i]->forward(f.narrow(1, i * channels_, channels_));
      sum = sum.defined() ? sum + logits : logits;
    }
    return sum / static_cast<double>(encoders_);
  }

 private:
  int64_t encoders_, channels_;
  bool mean_;
  torch::nn::AnyModule dropout_;
  std::vector<torch::nn::Linear> fcs_;
};

class CvrNet : public Network {
 public:
  explicit CvrNet(const NetworkSpec& spec) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"width", "encoders", "stages", "fusion", "dropout"});
    const int64_t w = p.get_int("width", 16);
    const int64_t encoders = p.get_int("encoders", 3, 1, 8);
    const int64_t stages = p.get_int("stages", 4, 1, 12);
    fusion_ = p.get_string("fusion", "mean", {"mean", "concat"});
    dropout_ = p.get_prob("dropout", 0.0);
    if (encoders > stages)
      throw ConfigError(p.where("encoders"), "must not exceed stages (" +
                                                 std::to_string(stages) + "), got " +
                                                 std::to_string(encoders));
    const int64_t d = spec.spatial_dims;
    for (int64_t e = 0; e < encoders; ++e) {
      auto enc = std::make_shared<Chain>();
      int64_t in = spec.in_channels;
      for (int64_t j = 0; j < stages - e; ++j) {
        const int64_t out = w << (e + j);
        auto stage = std::make_shared<Chain>();
        stage->add(std::make_shared<ConvNormAct>(ConvNormActOptions(d, in, out)))
            .add(std::make_shared<ConvNormAct>(ConvNormActOptions(d, out, out)));
        if (j + 1 < stages - e) stage->add("pool", max_pool_nd(d, 2));
        enc->add("stage" + std::to_string(j + 1), stage);
        in = out;
      }
      register_module("encoder" + std::to_string(e), enc);
      encoders_.push_back(enc);
    }
    channels_ = w << (stages - 1);
    SizeChain sizes;
    for (int64_t j = 0; j + 1 < stages; ++j) sizes.pool(2, 2);
    min_input_size_ = sizes.min_input();
    head_ = make_head(spec.num_classes);
    install_head(head_, spec.num_classes);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    std::vector<at::Tensor> maps;
    for (size_t e = 0; e < encoders_.size(); ++e) {
      at::Tensor in = e == 0 ? x : avg_pool(x, int64_t{1} << e);
      maps.push_back(encoders_[e]->forward(in));
    }
    return torch::cat(maps, 1);
  }
  at::Tensor head(at::Tensor f) override { return head_->forward(f); }
  void reset_head(int64_t num_classes) override {
    head_ = make_head(num_classes);
    install_head(head_, num_classes);
  }

 private:
  std::shared_ptr<CvrHead> make_head(int64_t n) const {
    return std::make_shared<CvrHead>(static_cast<int64_t>(encoders_.size()), channels_, n,
                                     fusion_, dropout_);
  }
  std::vector<ChainPtr> encoders_;
  std::shared_ptr<CvrHead> head_;
  int64_t channels_ = 0;
  std::string fusion_;
  double dropout_ = 0.0;
};

MEDCNN_REGISTER_NETWORK("cvr_net", CvrNet);

}  // namespace
}  // namespace medcnn
