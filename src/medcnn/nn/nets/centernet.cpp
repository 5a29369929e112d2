// CenterNet (Zhou et al. 2019, "Objects as points"): a single-stage,
// anchor-free detector, 1-D/2-D/3-D. A ResNet encoder (stem: 7x7 conv
// stride 2 + 3x3 max pool stride 2, then layer1..layer4 of basic blocks at
// strides 4, 8, 16, 32) and a feature-pyramid neck (1x1 lateral
// convolutions, nearest upsampling to the finer level's exact size, sum,
// 3x3 ConvNormAct) bring the deepest map back to stride 4; two heads read
// that map: "heatmap" (K object-centre logits per cell) and "box" (per cell
// d log sizes then d sub-cell centre offsets, in cells; tasks/detection.h
// decodes them).
//
// spec.num_classes = K + 2 * spatial_dims (detection_outputs()); the output
// is [B, K + 2d, s_1', ...] with s' = the stride-4 grid of the input
// (layer1's map). The heatmap logits carry a fixed prior offset
// log(0.1 / 0.9) (the paper's bias initialisation, kept as a constant so
// weight initialisation cannot undo it): an untrained detector predicts
// centres with probability about 0.1, which keeps the focal loss stable.
//
// Params: blocks ([2, 2, 2, 2]: ResNet-18's basic blocks per stage), width
// (32: channels of the first stage, doubled per stage), neck_width (64:
// channels of the neck and the heads).
// Names: stem, layer1..layer4, neck.3, neck.2, neck.1 (the pyramid levels,
// coarse to fine; neck.1 is "features"), head.heatmap, head.box.
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/blocks/residual_block.h"
#include "medcnn/nn/blocks/size_chain.h"
#include "medcnn/nn/init.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

// The two prediction heads: 3x3 conv + ReLU + 1x1 conv each; the 1x1
// convolutions start at normal(0, 0.01) weights (the paper's head init), so
// an untrained detector's outputs stay near the prior.
class CenterHead : public Block, public OwnInit {
 public:
  CenterHead(int64_t dims, int64_t in, int64_t classes) {
    auto branch = [&](const std::string& name, int64_t out) {
      auto c = std::make_shared<Chain>();
      c->add(conv_nd(dims, in, in, 3, 1, 1));
      c->add(torch::nn::AnyModule(torch::nn::ReLU()));
      c->add(conv_nd(dims, in, out, 1));
      register_module(name, c);
      return c;
    };
    heatmap_ = branch("heatmap", classes);
    box_ = branch("box", 2 * dims);
  }
  void own_init() override {
    torch::NoGradGuard no_grad;
    for (const auto& branch : {heatmap_, box_})
      for (auto& p : branch->named_parameters())
        if (p.key().rfind("2.", 0) == 0) {
          if (p.key() == "2.weight") p.value().normal_(0, 0.01);
          else p.value().zero_();
        }
  }
  at::Tensor forward(at::Tensor x) override {
    static const double prior = std::log(0.1 / 0.9);
    return torch::cat({heatmap_->forward(x) + prior, box_->forward(x)}, 1);
  }

 private:
  ChainPtr heatmap_, box_;
};

class CenterNet : public Network {
 public:
  explicit CenterNet(const NetworkSpec& spec) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"blocks", "width", "neck_width"});
    const auto blocks = p.get_ints("blocks", {2, 2, 2, 2});
    const int64_t width = p.get_int("width", 32);
    neck_width_ = p.get_int("neck_width", 64);
    dims_ = spec.spatial_dims;
    if (blocks.size() != 4)
      throw ConfigError("network.centernet.blocks", "needs 4 stages, got " +
                                                         std::to_string(blocks.size()));
    if (spec.num_classes <= 2 * dims_)
      throw ConfigError("network.centernet.num_classes",
                        "is K + 2 * spatial_dims (K object classes, then the box values): got " +
                            std::to_string(spec.num_classes));

    SizeChain sizes;
    stem_ = imagenet_stem(dims_, spec.in_channels, width);
    sizes.conv(7, 2, 3);
    sizes.pool(3, 2, 1);
    register_module("stem", stem_);

    int64_t in = width;
    std::vector<int64_t> channels;
    for (size_t s = 0; s < blocks.size(); ++s) {
      const int64_t planes = width << s;
      auto stage = std::make_shared<Chain>();
      for (int64_t b = 0; b < blocks[s]; ++b) {
        stage->add(std::make_shared<ResidualBlock>(dims_, in, planes, (s > 0 && b == 0) ? 2 : 1));
        in = planes;
      }
      if (s > 0) sizes.conv(3, 2, 1);
      register_module("layer" + std::to_string(s + 1), stage);
      layers_.push_back(stage);
      channels.push_back(planes);
    }
    min_input_size_ = sizes.min_input();

    auto neck = std::make_shared<torch::nn::Module>();
    for (size_t s = 0; s < channels.size(); ++s) {
      auto level = std::make_shared<torch::nn::Module>();
      lateral_.push_back(register_any(*level, "lateral", conv_nd(dims_, channels[s], neck_width_, 1)));
      if (s + 1 < channels.size()) {  // the deepest level is only a lateral projection
        auto smooth = std::make_shared<ConvNormAct>(
            ConvNormActOptions(dims_, neck_width_, neck_width_));
        level->register_module("smooth", smooth);
        smooth_.push_back(smooth);
      } else {
        smooth_.push_back(nullptr);
      }
      neck->register_module(std::to_string(s + 1), level);
    }
    register_module("neck", neck);
    head_ = std::make_shared<CenterHead>(dims_, neck_width_, spec.num_classes - 2 * dims_);
    install_head(head_, spec.num_classes);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    x = tapped("stem", stem_->forward(x));
    std::vector<at::Tensor> c;
    for (size_t i = 0; i < layers_.size(); ++i) {
      x = tapped("layer" + std::to_string(i + 1), layers_[i]->forward(x));
      c.push_back(x);
    }
    at::Tensor p = lateral_.back().forward(c.back());
    for (int s = int(c.size()) - 2; s >= 0; --s) {
      std::vector<int64_t> size(c[s].sizes().begin() + 2, c[s].sizes().end());
      at::Tensor up = F::interpolate(p, F::InterpolateFuncOptions().size(size).mode(torch::kNearest));
      p = smooth_[s]->forward(up + lateral_[s].forward(c[s]));
      if (s > 0) p = tapped("neck." + std::to_string(s + 1), p);
    }
    return p;
  }

  at::Tensor head(at::Tensor f) override { return head_->forward(f); }

  void reset_head(int64_t num_classes) override {
    if (num_classes <= 2 * dims_)
      throw ConfigError("network.centernet.num_classes",
                        "is K + 2 * spatial_dims, got " + std::to_string(num_classes));
    head_ = std::make_shared<CenterHead>(dims_, neck_width_, num_classes - 2 * dims_);
    install_head(head_, num_classes);
  }

  std::vector<std::string> layer_names() const override {
    return {"stem", "layer1", "layer2", "layer3", "layer4", "neck.3", "neck.2", "features"};
  }

 private:
  int64_t dims_ = 2, neck_width_ = 64;
  ChainPtr stem_;
  std::vector<ChainPtr> layers_;
  std::vector<torch::nn::AnyModule> lateral_;
  std::vector<std::shared_ptr<ConvNormAct>> smooth_;
  std::shared_ptr<CenterHead> head_;
};

MEDCNN_REGISTER_NETWORK("centernet", CenterNet);

}  // namespace
}  // namespace medcnn
