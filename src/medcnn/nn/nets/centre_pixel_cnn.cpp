// centre_pixel_cnn: the patch classifier that labels the centre pixel
// (Ciresan et al. 2012, "Deep neural networks segment neuronal membranes in
// electron microscopy images"; the survey's patch-based segmentation CNN),
// 1-D/2-D/3-D. Registered as "centre_pixel_cnn".
//
// As a patch classifier it reads a patch of patch_size pixels per axis:
// level i is a valid convolution (kernels[i], channels[i]) with norm and
// activation, then a 2x max pool (stride 2); a fully connected layer of
// `hidden` units (with activation and dropout) and a second one with
// num_classes outputs give the logits of the patch's centre pixel (index
// patch_size / 2 along each axis).
//
// It runs DENSELY, as one fully convolutional pass that gives every pixel
// exactly the logits the patch classifier gives the patch centred on it
// (Giusti et al. 2013, "Fast image scanning with deep max-pooling CNNs";
// the pooling strides become dilations): level i's convolution is dilated
// by 2^i, its pool has kernel 2, stride 1, dilation 2^i, and the first fully
// connected layer is a convolution whose kernel covers the remaining r
// pixels, dilated by 2^L; the second is 1x1. The input is mirrored
// (reflection padding; replicate where the input is too small to mirror) by
// patch_size / 2 before and patch_size - 1 - patch_size / 2 after each axis,
// so forward(x) is [B, num_classes, s...] on the input grid for any size and
// the network trains and infers as any segmentation network (every pixel of
// a training patch is one centre-pixel sample). Exactness needs each valid
// convolution's output to be even: a patch_size for which it is not (or
// that leaves nothing for the fully connected layer) is a ConfigError that
// names the nearest sizes that work.
//
// Params
//   patch_size (39): pixels per axis of the classified patch.
//   kernels ([4, 5, 4]), channels ([32, 32, 48]): one entry per level.
//   hidden (128): units of the first fully connected layer.
//   norm: batch (default) | instance | group | none.  act (relu).
//   dropout (0.5 in the paper; default 0): before the last layer.
// Names: levels.<i> (ConvNormAct: levels.<i>.conv.weight, ...), fc
// (ConvNormAct, the first fully connected layer as a convolution), dropout,
// head (the last, 1x1). features(x) is fc's map [B, hidden, s...].
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/pointwise_head_network.h"

namespace medcnn {
namespace {

// Size left for the fully connected layer after the levels, or -1 when a
// valid convolution's output is odd or not positive (the pools would not
// tile the patch).
int64_t remaining_size(int64_t patch, const std::vector<int64_t>& kernels) {
  int64_t s = patch;
  for (int64_t k : kernels) {
    s = s - k + 1;
    if (s < 2 || s % 2) return -1;
    s /= 2;
  }
  return s;
}

at::Tensor dilated_max_pool(const at::Tensor& x, int64_t d) {
  switch (x.dim()) {
    case 3: return torch::max_pool1d(x, {2}, {1}, {0}, {d});
    case 4: return torch::max_pool2d(x, {2, 2}, {1, 1}, {0, 0}, {d, d});
    default: return torch::max_pool3d(x, {2, 2, 2}, {1, 1, 1}, {0, 0, 0}, {d, d, d});
  }
}

class CentrePixelCnn : public PointwiseHeadNetwork {
 public:
  explicit CentrePixelCnn(const NetworkSpec& spec) : PointwiseHeadNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"patch_size", "kernels", "channels", "hidden", "norm", "act", "dropout"});
    patch_ = p.get_int("patch_size", 39, 2, 1024);
    const auto kernels = p.get_ints("kernels", {4, 5, 4}, 1);
    const auto channels = p.get_ints("channels", {32, 32, 48}, 1);
    if (channels.size() != kernels.size())
      throw ConfigError(p.where("channels"), "needs one entry per kernel (" +
                                                 std::to_string(kernels.size()) + ")");
    hidden_ = p.get_int("hidden", 128);
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    const double dropout = p.get_prob("dropout", 0.0);
    const int64_t r = remaining_size(patch_, kernels);
    if (r < 1) {
      std::string near;
      for (int64_t s = std::max<int64_t>(2, patch_ - 16); s <= patch_ + 16; ++s)
        if (remaining_size(s, kernels) >= 1) near += (near.empty() ? "" : ", ") + std::to_string(s);
      throw ConfigError(p.where("patch_size"),
                        std::to_string(patch_) + " does not tile with kernels " +
                            nlohmann::json(kernels).dump() + " (each valid convolution's output "
                            "must be even); sizes that do: " + (near.empty() ? "none near" : near));
    }
    dims_ = spec.spatial_dims;
    levels_ = std::make_shared<Chain>();
    int64_t in = spec.in_channels, d = 1;
    for (size_t i = 0; i < kernels.size(); ++i, d *= 2) {
      levels_->add(std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, in, channels[i], kernels[i])
                                                     .padding(0)
                                                     .dilation(d)
                                                     .norm(norm)
                                                     .act(act)));
      dilations_.push_back(d);
      in = channels[i];
    }
    register_module("levels", levels_);
    fc_ = register_module("fc", std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, in, hidden_, r)
                                                                  .padding(0)
                                                                  .dilation(d)
                                                                  .norm(norm)
                                                                  .act(act)));
    if (dropout > 0) dropout_ = register_any(*this, "dropout", dropout_nd(dropout));
    build_pointwise_head(hidden_);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    // Mirror the borders so every pixel is the centre of a full patch.
    const int64_t before = patch_ / 2, after = patch_ - 1 - before;
    std::vector<int64_t> pad;
    bool mirror = true;
    for (int64_t a = 0; a < dims_; ++a) {
      pad.push_back(before);
      pad.push_back(after);
      mirror = mirror && x.size(2 + a) > std::max(before, after);
    }
    namespace F = torch::nn::functional;
    F::PadFuncOptions o(pad);
    if (mirror) o.mode(torch::kReflect);
    else o.mode(torch::kReplicate);
    x = F::pad(x, o);
    size_t i = 0;
    x = levels_->forward_each(x, [&](const std::string& name, at::Tensor y) {
      return tapped("levels." + name, dilated_max_pool(y, dilations_[i++]));
    });
    x = tapped("fc", fc_->forward(x));
    if (!dropout_.is_empty()) x = dropout_.forward(x);
    return x;
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (const auto& n : levels_->names()) names.push_back("levels." + n);
    names.push_back("fc");
    names.push_back("features");
    return names;
  }

 private:
  int64_t dims_ = 2, patch_ = 39, hidden_ = 128;
  std::vector<int64_t> dilations_;
  ChainPtr levels_;
  std::shared_ptr<ConvNormAct> fc_;
  torch::nn::AnyModule dropout_;
};

}  // namespace

MEDCNN_REGISTER_NETWORK("centre_pixel_cnn", CentrePixelCnn);

}  // namespace medcnn
