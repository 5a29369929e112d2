// dilated_fcn: a fully convolutional context network of dilated
// convolutions at full resolution (Yu & Koltun 2016, "Multi-scale context
// aggregation by dilated convolutions", the basic context module), for
// segmentation, 1-D/2-D/3-D. Registered as "dilated_fcn".
//
// Layer i is a ConvNormAct (kernel `kernel`, dilation dilations[i], "same"
// padding dilation * (kernel - 1) / 2, stride 1) with `width` channels; there
// is no pooling, so every layer keeps the input grid and the receptive field
// grows exponentially with the dilations: 1 + (kernel - 1) * sum(dilations)
// (67 for the defaults, as the paper's module). A 1x1 convolution maps the
// last layer's map to the class logits [B, num_classes, s...] on the input
// grid, for any input size (min 1).
//
// Params
//   dilations ([1, 1, 2, 4, 8, 16, 1]): one 3x3 layer per entry, each >= 1.
//   width (32): channels of every layer.
//   kernel (3, odd).
//   norm: batch (default) | instance | group | none.  act: make_activation spec (relu).
//   dropout (0): channel dropout before the classifier.
// Names: layers.<i> (ConvNormAct: layers.<i>.conv.weight, ...), dropout,
// head (1x1 conv). features(x) is the last layer's map [B, width, s...].
// Differences from the paper: its module takes C class maps in and out and is
// initialised to the identity; here the module is the whole network (from
// the image) with normalisation and the chosen initialiser.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/pointwise_head_network.h"

namespace medcnn {
namespace {

class DilatedFcn : public PointwiseHeadNetwork {
 public:
  explicit DilatedFcn(const NetworkSpec& spec) : PointwiseHeadNetwork(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"dilations", "width", "kernel", "norm", "act", "dropout"});
    const auto dilations = p.get_ints("dilations", {1, 1, 2, 4, 8, 16, 1}, 1);
    width_ = p.get_int("width", 32);
    const int64_t kernel = p.get_int("kernel", 3, 1, 15);
    if (kernel % 2 == 0)
      throw ConfigError(p.where("kernel"), "must be odd (\"same\" padding), got " +
                                               std::to_string(kernel));
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    const double dropout = p.get_prob("dropout", 0.0);
    dims_ = spec.spatial_dims;
    min_input_size_ = 1;

    layers_ = std::make_shared<Chain>();
    int64_t in = spec.in_channels;
    for (size_t i = 0; i < dilations.size(); ++i) {
      layers_->add(std::make_shared<ConvNormAct>(ConvNormActOptions(dims_, in, width_, kernel)
                                                     .dilation(dilations[i])
                                                     .norm(norm)
                                                     .act(act)));
      in = width_;
    }
    register_module("layers", layers_);
    if (dropout > 0) dropout_ = register_any(*this, "dropout", dropout_nd(dropout, true));
    build_pointwise_head(width_);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    x = layers_->forward_each(x, [this](const std::string& name, at::Tensor y) {
      return tapped("layers." + name, y);
    });
    if (!dropout_.is_empty()) x = dropout_.forward(x);
    return x;
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (const auto& n : layers_->names()) names.push_back("layers." + n);
    names.push_back("features");
    return names;
  }

 private:
  int64_t dims_ = 2, width_ = 32;
  ChainPtr layers_;
  torch::nn::AnyModule dropout_;
};

}  // namespace

MEDCNN_REGISTER_NETWORK("dilated_fcn", DilatedFcn);

}  // namespace medcnn
