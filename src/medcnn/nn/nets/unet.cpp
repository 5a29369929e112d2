// U-Net (Ronneberger et al. 2015; 3-D: Çiçek et al. 2016) with the options
// MONAI and nnU-Net users expect, 1-D/2-D/3-D. Registered as "unet",
// "residual_unet" (residual = true) and "attention_unet" (attention = true).
//
// Params
//   depth (4): resolution levels; level i has min(width * 2^i, max_width)
//     channels, the last level is the bottleneck.
//   width (32), max_width (320, nnU-Net's cap).
//   norm: batch (default) | instance | group | none.
//   act: any make_activation spec (relu).
//   upsample: transpose (default: 2x2 transposed conv, stride 2) | linear
//     (bi/trilinear interpolation followed by a 1x1 conv) | nearest.
//   residual (false): each level's two convolutions form a ResidualUnit.
//   attention (false): an AttentionGate on every skip connection.
//   deep_supervision (false): 1x1 heads on the decoder levels below full
//     resolution; forward_deep() returns them after the main output (in
//     training mode only).
//   dropout (0): channel dropout after the bottleneck.
// Any input size works: the input is zero-padded at the far end of each
// axis to a multiple of 2^(depth-1) and the output cropped back, so the
// logits [B, num_classes, s...] lie on the input grid.
// Names: encoder.<i>.{0,1} (ConvNormAct) or encoder.<i>.{conv1,...}
// (ResidualUnit), decoder.<i>.up, decoder.<i>.gate, decoder.<i>.conv,
// aux.<i>, head (1x1 conv). features(x) is the last decoder map
// [B, width, s...]; head(f) the 1x1 convolution.
#include <torch/torch.h>

#include "medcnn/nn/blocks/activation.h"
#include "medcnn/nn/blocks/attention_gate.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/residual_unit.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/pointwise_head_network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

class UNet : public PointwiseHeadNetwork {
 public:
  UNet(const NetworkSpec& spec, bool residual_default, bool attention_default) : PointwiseHeadNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"depth", "width", "max_width", "norm", "act", "upsample", "residual",
                       "attention", "deep_supervision", "dropout"});
    depth_ = p.get_int("depth", 4, 2, 8);
    const int64_t width = p.get_int("width", 32);
    const int64_t max_width = p.get_int("max_width", 320);
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    upsample_ = p.get_string("upsample", "transpose", {"transpose", "linear", "nearest"});
    const bool residual = p.get_bool("residual", residual_default);
    attention_ = p.get_bool("attention", attention_default);
    deep_supervision_ = p.get_bool("deep_supervision", false);
    const double dropout = p.get_prob("dropout", 0.0);
    dims_ = spec.spatial_dims;
    divisor_ = int64_t(1) << (depth_ - 1);
    min_input_size_ = 1;

    std::vector<int64_t> ch;
    for (int64_t i = 0; i < depth_; ++i) ch.push_back(std::min(width << i, max_width));
    auto conv_block = [&](int64_t in, int64_t out) -> std::shared_ptr<torch::nn::Module> {
      if (residual) return std::make_shared<ResidualUnit>(dims_, in, out, norm, act);
      auto c = std::make_shared<Chain>();
      c->add(std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, in, out).norm(norm).act(act)));
      c->add(std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, out, out).norm(norm).act(act)));
      return c;
    };
    auto as_block = [](std::shared_ptr<torch::nn::Module> m) {
      return std::dynamic_pointer_cast<Block>(m);
    };

    auto encoder = std::make_shared<torch::nn::Module>();
    for (int64_t i = 0; i < depth_; ++i) {
      auto b = as_block(conv_block(i == 0 ? spec.in_channels : ch[i - 1], ch[i]));
      encoder->register_module(std::to_string(i), b);
      encoder_.push_back(b);
    }
    register_module("encoder", encoder);
    if (dropout > 0) dropout_ = register_any(*this, "dropout", dropout_nd(dropout, true));

    auto decoder = std::make_shared<torch::nn::Module>();
    for (int64_t i = depth_ - 2; i >= 0; --i) {
      auto level = std::make_shared<torch::nn::Module>();
      torch::nn::AnyModule up;
      if (upsample_ == "transpose")
        up = conv_transpose_nd(dims_, ch[i + 1], ch[i], 2, 2);
      else
        up = conv_nd(dims_, ch[i + 1], ch[i], 1, 1, 0);
      level->register_module("up", up.ptr());
      Level l;
      l.up = up;
      if (attention_) {
        l.gate = std::make_shared<AttentionGate>(dims_, ch[i], ch[i], std::max<int64_t>(ch[i] / 2, 1),
                                                 norm);
        level->register_module("gate", l.gate);
      }
      l.conv = as_block(conv_block(2 * ch[i], ch[i]));
      level->register_module("conv", l.conv);
      decoder->register_module(std::to_string(i), level);
      decoder_.push_back(l);
    }
    register_module("decoder", decoder);
    if (deep_supervision_) {
      // Decoder levels 1 .. depth-2 (level 0 is the main output).
      auto aux = std::make_shared<torch::nn::Module>();
      aux_.resize(depth_);
      for (int64_t i = 1; i <= depth_ - 2; ++i)
        aux_[i] = register_any(*aux, std::to_string(i),
                               conv_nd(dims_, ch[i], spec.num_classes, 1, 1, 0));
      register_module("aux", aux);
    }
    width_ = ch[0];
    build_pointwise_head(width_);
  }

  std::vector<at::Tensor> forward_deep(at::Tensor x) override {
    std::vector<at::Tensor> aux;
    at::Tensor f = run(x, is_training() && deep_supervision_ ? &aux : nullptr);
    std::vector<at::Tensor> out{head(f)};
    out.insert(out.end(), aux.rbegin(), aux.rend());  // finest first
    return out;
  }

  at::Tensor features(at::Tensor x) override { return run(x, nullptr); }

  // encoder.0 (finest) .. encoder.<depth-1> (bottleneck), decoder.<depth-2>
  // .. decoder.0 (the finest decoder level), then features (decoder.0 on the
  // input grid).
  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (int64_t i = 0; i < depth_; ++i) names.push_back("encoder." + std::to_string(i));
    for (int64_t i = depth_ - 2; i >= 0; --i) names.push_back("decoder." + std::to_string(i));
    names.push_back("features");
    return names;
  }

 private:
  struct Level {
    torch::nn::AnyModule up;
    std::shared_ptr<AttentionGate> gate;
    BlockPtr conv;
  };

  at::Tensor run(at::Tensor x, std::vector<at::Tensor>* aux) {
    check_input(x);
    // Pad every spatial axis to a multiple of 2^(depth-1), crop back at the end.
    std::vector<int64_t> size, pad;
    for (int64_t a = x.dim() - 1; a >= 2; --a) {
      const int64_t s = x.size(a);
      pad.push_back(0);
      pad.push_back((divisor_ - s % divisor_) % divisor_);
    }
    for (int64_t a = 2; a < x.dim(); ++a) size.push_back(x.size(a));
    bool padded = false;
    for (auto v : pad) padded = padded || v > 0;
    if (padded) x = F::pad(x, F::PadFuncOptions(pad));

    std::vector<at::Tensor> skips;
    for (int64_t i = 0; i < depth_; ++i) {
      if (i > 0) x = max_pool(x, 2);
      x = tapped("encoder." + std::to_string(i), encoder_[i]->forward(x));
      if (i < depth_ - 1) skips.push_back(x);
    }
    if (!dropout_.is_empty()) x = dropout_.forward(x);
    for (size_t k = 0; k < decoder_.size(); ++k) {
      const int64_t i = depth_ - 2 - int64_t(k);
      auto& l = decoder_[k];
      const at::Tensor& skip = skips[i];
      if (upsample_ == "transpose") {
        x = l.up.forward(x);
      } else {
        std::vector<int64_t> target(skip.sizes().begin() + 2, skip.sizes().end());
        x = l.up.forward(interpolate_to(x, target, upsample_ == "nearest"));
      }
      at::Tensor s = l.gate ? l.gate->forward(skip, x) : skip;
      x = tapped("decoder." + std::to_string(i), l.conv->forward(torch::cat({s, x}, 1)));
      if (aux && i >= 1) aux->push_back(aux_output(i, x, size));
    }
    if (padded) x = crop(x, size);
    return x;
  }

  // Auxiliary output of decoder level i on the input grid / 2^i (rounded up).
  at::Tensor aux_output(int64_t i, const at::Tensor& x, const std::vector<int64_t>& size) {
    std::vector<int64_t> s;
    for (auto v : size) s.push_back((v + (int64_t(1) << i) - 1) >> i);
    return crop(aux_[i].forward(x), s);
  }

  static at::Tensor crop(const at::Tensor& x, const std::vector<int64_t>& size) {
    at::Tensor y = x;
    for (size_t a = 0; a < size.size(); ++a)
      if (y.size(a + 2) != size[a]) y = y.narrow(a + 2, 0, size[a]);
    return y;
  }

  int64_t depth_ = 4, dims_ = 2, divisor_ = 8, width_ = 32;
  std::string upsample_;
  bool attention_ = false, deep_supervision_ = false;
  std::vector<BlockPtr> encoder_;
  std::vector<Level> decoder_;
  torch::nn::AnyModule dropout_;
  std::vector<torch::nn::AnyModule> aux_;  // by decoder level
};

struct UNetPlain : UNet {
  explicit UNetPlain(const NetworkSpec& s) : UNet(s, false, false) {}
};
struct UNetResidual : UNet {
  explicit UNetResidual(const NetworkSpec& s) : UNet(s, true, false) {}
};
struct UNetAttention : UNet {
  explicit UNetAttention(const NetworkSpec& s) : UNet(s, false, true) {}
};

}  // namespace

MEDCNN_REGISTER_NETWORK("unet", UNetPlain);
MEDCNN_REGISTER_NETWORK("residual_unet", UNetResidual);
MEDCNN_REGISTER_NETWORK("attention_unet", UNetAttention);

}  // namespace medcnn
