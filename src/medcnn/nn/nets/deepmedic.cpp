// deepmedic: a two-pathway multi-scale CNN (Kamnitsas et al. 2017,
// "Efficient multi-scale 3D CNN with fully connected CRF for accurate brain
// lesion segmentation", DeepMedic), 1-D/2-D/3-D. Registered as "deepmedic".
//
// The normal pathway is a stack of ConvNormAct layers (kernel 3, "same"
// padding) on the full-resolution input; the subsampled pathway is a stack
// of the same shape on the input downsampled by `factor` (the average of
// each factor^d window, a window cut by the far border averaging its voxels
// inside the input; or strided sampling; each axis ceil(s / factor)),
// which sees `factor` times more context per layer. Its map is upsampled back
// by `factor` (each low-resolution cell repeated over the window it came from,
// or linear interpolation between cell centres) and cropped to the normal
// pathway's grid; the two maps are concatenated and go through the fully
// connected layers (1x1 ConvNormAct, as the paper's FC layers applied densely)
// and a 1x1 classifier: logits [B, num_classes, s...] on the input grid for
// any input size (min 1).
//
// Difference from the paper: DeepMedic uses valid (unpadded) convolutions on
// a 25^3 segment for the normal and a 19^3 segment at 1/3 resolution for the
// subsampled pathway, so a prediction covers only the segment's centre;
// here both pathways are padded ("same"), so the whole input is labelled in
// one pass (the context near the border is zero-padded). PReLU becomes `act`,
// the residual connections of the enhanced version are left out.
//
// Params
//   channels ([30, 30, 40, 40, 40, 40, 50, 50]): one 3x3(x3) layer per entry,
//     the same for both pathways.
//   fc ([150, 150]): the 1x1 fully connected layers after the concatenation.
//   factor (3, 2..8): the subsampled pathway's downsampling factor.
//   downsample: avg (default) | stride.   upsample: nearest (default) | linear.
//   norm: batch (default) | instance | group | none.  act: make_activation spec (relu).
//   dropout (0): channel dropout before each fully connected layer (the
//     paper uses 0.5 there).
// Names: normal.<i>, subsampled.<i>, fc.<i> (ConvNormAct; fc.dropout<i>
// before it when dropout > 0), head (1x1 conv). features(x) is the last FC
// layer's map [B, fc.back(), s...].
#include <torch/torch.h>

#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/pointwise_head_network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

class DeepMedic : public PointwiseHeadNetwork {
 public:
  explicit DeepMedic(const NetworkSpec& spec) : PointwiseHeadNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"channels", "fc", "factor", "downsample", "upsample", "norm", "act",
                       "dropout"});
    const auto channels = p.get_ints("channels", {30, 30, 40, 40, 40, 40, 50, 50}, 1);
    const auto fc = p.get_ints("fc", {150, 150}, 1);
    factor_ = p.get_int("factor", 3, 2, 8);
    downsample_ = p.get_string("downsample", "avg", {"avg", "stride"});
    upsample_ = p.get_string("upsample", "nearest", {"nearest", "linear"});
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    const double dropout = p.get_prob("dropout", 0.0);
    dims_ = spec.spatial_dims;
    min_input_size_ = 1;

    auto cna = [&](int64_t in, int64_t out, int64_t k) {
      return std::make_shared<ConvNormAct>(
          ConvNormActOptions(dims_, in, out, k).norm(norm).act(act));
    };
    normal_ = std::make_shared<Chain>();
    subsampled_ = std::make_shared<Chain>();
    for (size_t i = 0; i < channels.size(); ++i) {
      const int64_t in = i == 0 ? spec.in_channels : channels[i - 1];
      normal_->add(cna(in, channels[i], 3));
      subsampled_->add(cna(in, channels[i], 3));
    }
    register_module("normal", normal_);
    register_module("subsampled", subsampled_);
    fc_ = std::make_shared<Chain>();
    int64_t in = 2 * channels.back();
    for (size_t i = 0; i < fc.size(); ++i) {
      if (dropout > 0) fc_->add("dropout" + std::to_string(i), dropout_nd(dropout, true));
      fc_->add(std::to_string(i), cna(in, fc[i], 1));
      in = fc[i];
    }
    register_module("fc", fc_);
    width_ = in;
    build_pointwise_head(width_);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    auto tap = [this](const std::string& prefix) {
      return [this, prefix](const std::string& name, at::Tensor y) {
        return tapped(prefix + name, y);
      };
    };
    at::Tensor normal = normal_->forward_each(x, tap("normal."));
    at::Tensor low = subsampled_->forward_each(downsample(x), tap("subsampled."));
    at::Tensor f = torch::cat({normal, upsample(low, x)}, 1);
    return fc_->forward_each(f, [this](const std::string& name, at::Tensor y) {
      return is_layer(name) ? tapped("fc." + name, y) : y;
    });
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (const auto& n : normal_->names()) names.push_back("normal." + n);
    for (const auto& n : subsampled_->names()) names.push_back("subsampled." + n);
    for (const auto& n : fc_->names())
      if (is_layer(n)) names.push_back("fc." + n);
    names.push_back("features");
    return names;
  }

 private:
  // An FC layer's name in fc_ ("0", "1", ...), not a dropout's ("dropout0").
  static bool is_layer(const std::string& name) {
    return !name.empty() && std::isdigit(static_cast<unsigned char>(name[0]));
  }

  // [B, C, ceil(s / factor)...]
  at::Tensor downsample(const at::Tensor& x) const {
    if (downsample_ == "avg") {
      // Zero-pad the far end to a multiple of factor; the windows that reach
      // into the padding are averaged over their voxels inside the input
      // (the pooled zero-padded ones give each window's share of them).
      std::vector<int64_t> pad;
      bool padded = false;
      for (int64_t a = x.dim() - 1; a >= 2; --a) {
        pad.push_back(0);
        pad.push_back((factor_ - x.size(a) % factor_) % factor_);
        padded = padded || pad.back() > 0;
      }
      if (!padded) return avg_pool(x, factor_);
      const at::Tensor inside = F::pad(torch::ones_like(x.narrow(1, 0, 1)), F::PadFuncOptions(pad));
      return avg_pool(F::pad(x, F::PadFuncOptions(pad)), factor_) / avg_pool(inside, factor_);
    }
    at::Tensor y = x;
    for (int64_t a = 2; a < x.dim(); ++a) y = y.slice(a, 0, x.size(a), factor_);
    return y;
  }

  // low [B, C, ceil(s / factor)...] -> [B, C, s...] of `like`.
  at::Tensor upsample(const at::Tensor& low, const at::Tensor& like) const {
    std::vector<int64_t> size;
    for (int64_t a = 2; a < low.dim(); ++a) size.push_back(low.size(a) * factor_);
    at::Tensor y = interpolate_to(low, size, upsample_ == "nearest");
    for (int64_t a = 2; a < y.dim(); ++a)
      if (y.size(a) != like.size(a)) y = y.narrow(a, 0, like.size(a));
    return y;
  }

  int64_t dims_ = 2, factor_ = 3, width_ = 150;
  std::string downsample_, upsample_;
  ChainPtr normal_, subsampled_, fc_;
};

}  // namespace

MEDCNN_REGISTER_NETWORK("deepmedic", DeepMedic);

}  // namespace medcnn
