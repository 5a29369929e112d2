// segnet: a convolutional encoder-decoder whose decoder upsamples by max
// UNPOOLING with the encoder's pooling indices (Badrinarayanan, Kendall &
// Cipolla 2017, "SegNet: a deep convolutional encoder-decoder architecture
// for image segmentation"), 1-D/2-D/3-D. Registered as "segnet".
//
// Encoder level i (0 .. depth-1): `convs` ConvNormAct 3x3 layers to
// c_i = min(width * 2^i, max_width) channels, then a 2x max pool that keeps
// its argmax indices. Decoder level i (depth-1 .. 0): max unpooling with
// level i's indices (each value back at the position its maximum came from,
// zeros elsewhere: no learnt upsampling and no skip of whole feature maps),
// then `convs` ConvNormAct layers c_i -> ... -> c_{i-1} (c_0 at level 0) that
// densify the sparse map. A 1x1 convolution gives the logits
// [B, num_classes, s...] on the input grid. Any input size works: the input is
// zero-padded at the far end of each axis to a multiple of 2^depth and the
// output cropped back. 1-D unpooling runs through the 2-D operator with a
// singleton axis (blocks/max_unpool.h).
//
// Params
//   depth (4, 1..8): pooling levels (the paper's VGG-16 encoder has 5).
//   width (64, the paper's), max_width (512).
//   convs (2, 1..4): convolutions per level (VGG-16 has 2, 2, 3, 3, 3).
//   norm: batch (default) | instance | group | none.  act: make_activation spec (relu).
//   dropout (0): channel dropout after the deepest encoder level (Bayesian
//     SegNet puts it in the central levels; use MC dropout at inference).
// Names: encoder.<i>.<j> and decoder.<i>.<j> (ConvNormAct), dropout, head
// (1x1 conv). features(x) is decoder level 0's map [B, c_0, s...].
#include <torch/torch.h>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/max_unpool.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/pointwise_head_network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

class SegNet : public PointwiseHeadNetwork {
 public:
  explicit SegNet(const NetworkSpec& spec) : PointwiseHeadNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"depth", "width", "max_width", "convs", "norm", "act", "dropout"});
    depth_ = p.get_int("depth", 4, 1, 8);
    const int64_t width = p.get_int("width", 64);
    const int64_t max_width = p.get_int("max_width", 512);
    const int64_t convs = p.get_int("convs", 2, 1, 4);
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    const double dropout = p.get_prob("dropout", 0.0);
    dims_ = spec.spatial_dims;
    divisor_ = int64_t(1) << depth_;
    min_input_size_ = 1;

    std::vector<int64_t> ch;
    for (int64_t i = 0; i < depth_; ++i) ch.push_back(std::min(width << i, max_width));
    auto cna = [&](int64_t in, int64_t out) {
      return std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, in, out).norm(norm).act(act));
    };
    auto encoder = std::make_shared<torch::nn::Module>();
    for (int64_t i = 0; i < depth_; ++i) {
      auto level = std::make_shared<Chain>();
      for (int64_t j = 0; j < convs; ++j)
        level->add(cna(j == 0 ? (i == 0 ? spec.in_channels : ch[i - 1]) : ch[i], ch[i]));
      encoder->register_module(std::to_string(i), level);
      encoder_.push_back(level);
    }
    register_module("encoder", encoder);
    if (dropout > 0) dropout_ = register_any(*this, "dropout", dropout_nd(dropout, true));
    auto decoder = std::make_shared<torch::nn::Module>();
    for (int64_t i = depth_ - 1; i >= 0; --i) {
      auto level = std::make_shared<Chain>();
      const int64_t out = ch[i > 0 ? i - 1 : 0];
      for (int64_t j = 0; j < convs; ++j) level->add(cna(ch[i], j + 1 == convs ? out : ch[i]));
      decoder->register_module(std::to_string(i), level);
      decoder_.push_back(level);
    }
    register_module("decoder", decoder);
    width_ = ch[0];
    build_pointwise_head(width_);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    std::vector<int64_t> size, pad;
    for (int64_t a = x.dim() - 1; a >= 2; --a) {
      pad.push_back(0);
      pad.push_back((divisor_ - x.size(a) % divisor_) % divisor_);
    }
    for (int64_t a = 2; a < x.dim(); ++a) size.push_back(x.size(a));
    bool padded = false;
    for (auto v : pad) padded = padded || v > 0;
    if (padded) x = F::pad(x, F::PadFuncOptions(pad));

    std::vector<PoolIndices> pools;
    for (int64_t i = 0; i < depth_; ++i) {
      x = tapped("encoder." + std::to_string(i), encoder_[i]->forward(x));
      pools.push_back(max_pool_with_indices(x, 2));
      x = pools.back().values;
    }
    if (!dropout_.is_empty()) x = dropout_.forward(x);
    for (size_t k = 0; k < decoder_.size(); ++k) {
      const int64_t i = depth_ - 1 - int64_t(k);
      x = max_unpool(pools[i], x);
      x = tapped("decoder." + std::to_string(i), decoder_[k]->forward(x));
    }
    if (padded)
      for (size_t a = 0; a < size.size(); ++a) x = x.narrow(int64_t(a) + 2, 0, size[a]);
    return x;
  }

  // encoder.0 .. encoder.<depth-1> (before each pool), decoder.<depth-1> ..
  // decoder.0 (after each level's convolutions), features.
  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (int64_t i = 0; i < depth_; ++i) names.push_back("encoder." + std::to_string(i));
    for (int64_t i = depth_ - 1; i >= 0; --i) names.push_back("decoder." + std::to_string(i));
    names.push_back("features");
    return names;
  }

 private:
  int64_t depth_ = 4, dims_ = 2, divisor_ = 16, width_ = 64;
  std::vector<ChainPtr> encoder_, decoder_;
  torch::nn::AnyModule dropout_;
};

}  // namespace

MEDCNN_REGISTER_NETWORK("segnet", SegNet);

}  // namespace medcnn
