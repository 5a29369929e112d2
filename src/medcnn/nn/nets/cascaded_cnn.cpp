// cascaded_cnn: the input cascade of two-pathway CNNs (Havaei et al. 2017,
// "Brain tumor segmentation with deep neural networks", InputCascadeCNN),
// 1-D/2-D/3-D. Registered as "cascaded_cnn".
//
// A two-pathway stage has a local pathway (small kernels: ConvNormAct with
// kernel local_kernels[i], `local_width` channels, each followed by a
// stride-1 max pool of local_pools[i], which smooths without shrinking) and a
// global pathway (one ConvNormAct with a large kernel `global_kernel`,
// `global_width` channels) on the same input; their maps are concatenated.
// Stage 1 sees the image and classifies the concatenation with an
// out_kernel^d convolution (the paper's 21x21 output layer) into num_classes
// maps. Stage 2 sees the image concatenated on channels with stage 1's class
// probabilities (softmax; sigmoid when num_classes is 1) and has its own two
// pathways; its classifier (out_kernel^d convolution) is the network's head.
// Every layer is "same"-padded with stride 1 (even pool sizes pad one more
// at the far end), so the logits [B, num_classes, s...] lie on the input grid
// for any input size (min 1).
//
// Differences from the paper: its convolutions are valid (a 33x33 patch in,
// the centre pixel's label out; stage 1 sees a 65x65 patch) and its
// activations are maxout; here every layer is padded, so a whole image is
// labelled in one pass, with `act` and `norm` instead of maxout. The two
// stages are trained together (the paper trains stage 1 first).
//
// Params
//   local_kernels ([7, 3], odd), local_pools ([4, 2], 1 = no pool; as many as
//     local_kernels), local_width (64), global_kernel (13, odd),
//     global_width (160), out_kernel (21, odd; large kernels cost
//     (local_width + global_width) * out_kernel^d weights per class: use
//     smaller ones in 3-D).
//   norm: batch (default) | instance | group | none.  act: make_activation spec (relu).
//   dropout (0): channel dropout before each stage's classifier.
// Names: stage1.local.<i>, stage1.global, stage1.out (the stage-1
// classifier), stage2.local.<i>, stage2.global (ConvNormAct), stage1.dropout,
// stage2.dropout, head. features(x) is stage 2's concatenated pathways
// [B, local_width + global_width, s...]. reset_head(n) replaces stage 2's
// classifier only: stage 1 keeps the class count it was built with.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/block.h"
#include "medcnn/nn/blocks/conv_norm_act.h"
#include "medcnn/nn/blocks/layers.h"
#include "medcnn/nn/net_params.h"
#include "medcnn/nn/network.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

class CascadedCnn : public Network {
 public:
  explicit CascadedCnn(const NetworkSpec& spec) : Network(spec) {
    require_dims({1, 2, 3});
    NetParams p(spec, {"local_kernels", "local_pools", "local_width", "global_kernel",
                       "global_width", "out_kernel", "norm", "act", "dropout"});
    local_kernels_ = p.get_ints("local_kernels", {7, 3}, 1);
    local_pools_ = p.get_ints("local_pools", {4, 2}, 1);
    const int64_t local_width = p.get_int("local_width", 64);
    const int64_t global_kernel = p.get_int("global_kernel", 13, 1, 99);
    const int64_t global_width = p.get_int("global_width", 160);
    out_kernel_ = p.get_int("out_kernel", 21, 1, 99);
    const std::string norm = p.get_string("norm", "batch", {"batch", "instance", "group", "none"});
    const std::string act = p.get_string("act", "relu");
    const double dropout = p.get_prob("dropout", 0.0);
    for (auto k : local_kernels_)
      if (k % 2 == 0)
        throw ConfigError(p.where("local_kernels"), "kernels must be odd (\"same\" padding)");
    if (local_pools_.size() != local_kernels_.size())
      throw ConfigError(p.where("local_pools"),
                        "expected one pool size per local kernel (" +
                            std::to_string(local_kernels_.size()) + "), got " +
                            std::to_string(local_pools_.size()));
    if (global_kernel % 2 == 0)
      throw ConfigError(p.where("global_kernel"), "must be odd (\"same\" padding)");
    if (out_kernel_ % 2 == 0)
      throw ConfigError(p.where("out_kernel"), "must be odd (\"same\" padding)");
    dims_ = spec.spatial_dims;
    min_input_size_ = 1;
    stage1_classes_ = spec.num_classes;
    width_ = local_width + global_width;

    auto cna = [&](int64_t in, int64_t out, int64_t k) {
      return std::make_shared<ConvNormAct>(
          ConvNormActOptions(dims_, in, out, k).norm(norm).act(act));
    };
    auto make_stage = [&](const std::string& name, int64_t in) {
      Stage s;
      s.module = std::make_shared<torch::nn::Module>();
      auto local = std::make_shared<torch::nn::Module>();
      for (size_t i = 0; i < local_kernels_.size(); ++i) {
        s.local.push_back(cna(i == 0 ? in : local_width, local_width, local_kernels_[i]));
        local->register_module(std::to_string(i), s.local.back());
      }
      s.module->register_module("local", local);
      s.global = cna(in, global_width, global_kernel);
      s.module->register_module("global", s.global);
      if (dropout > 0) s.dropout = register_any(*s.module, "dropout", dropout_nd(dropout, true));
      register_module(name, s.module);
      return s;
    };
    stage1_ = make_stage("stage1", spec.in_channels);
    stage1_out_ = register_any(*stage1_.module, "out", classifier(stage1_classes_));
    stage2_ = make_stage("stage2", spec.in_channels + stage1_classes_);
    install_head(make_head(spec.num_classes), spec.num_classes);
  }

  at::Tensor features(at::Tensor x) override {
    check_input(x);
    at::Tensor s1 = run_stage(stage1_, "stage1", x);
    if (!stage1_.dropout.is_empty()) s1 = stage1_.dropout.forward(s1);
    at::Tensor logits1 = tapped("stage1.out", stage1_out_.forward(s1));
    at::Tensor prob1 = stage1_classes_ == 1 ? torch::sigmoid(logits1) : torch::softmax(logits1, 1);
    at::Tensor f = run_stage(stage2_, "stage2", torch::cat({x, prob1}, 1));
    if (!stage2_.dropout.is_empty()) f = stage2_.dropout.forward(f);
    return f;
  }

  at::Tensor head(at::Tensor f) override { return head_.forward(f); }

  void reset_head(int64_t num_classes) override {
    install_head(make_head(num_classes), num_classes);
  }

  std::vector<std::string> layer_names() const override {
    std::vector<std::string> names;
    for (const std::string stage : {"stage1", "stage2"}) {
      for (size_t i = 0; i < local_kernels_.size(); ++i)
        names.push_back(stage + ".local." + std::to_string(i));
      names.push_back(stage + ".global");
      if (stage == "stage1") names.push_back("stage1.out");
    }
    names.push_back("features");
    return names;
  }

 private:
  struct Stage {
    std::shared_ptr<torch::nn::Module> module;
    std::vector<std::shared_ptr<ConvNormAct>> local;
    std::shared_ptr<ConvNormAct> global;
    torch::nn::AnyModule dropout;
  };

  // The concatenated local and global pathways [B, local + global width, s...].
  at::Tensor run_stage(Stage& s, const std::string& name, const at::Tensor& x) {
    at::Tensor local = x;
    for (size_t i = 0; i < s.local.size(); ++i) {
      local = same_max_pool(s.local[i]->forward(local), local_pools_[i]);
      local = tapped(name + ".local." + std::to_string(i), local);
    }
    at::Tensor global = tapped(name + ".global", s.global->forward(x));
    return torch::cat({local, global}, 1);
  }

  // Stride-1 max pool of size k that keeps the grid: the edge values are
  // replicated (k - 1) / 2 before and k / 2 after on each axis, which leaves
  // every window's maximum that of its part inside the input.
  static at::Tensor same_max_pool(const at::Tensor& x, int64_t k) {
    if (k == 1) return x;
    std::vector<int64_t> pad;
    for (int64_t a = 2; a < x.dim(); ++a) {
      pad.push_back((k - 1) / 2);
      pad.push_back(k / 2);
    }
    return max_pool(F::pad(x, F::PadFuncOptions(pad).mode(torch::kReplicate)), k, 1);
  }

  torch::nn::AnyModule classifier(int64_t classes) const {
    return conv_nd(dims_, width_, classes, out_kernel_, 1, (out_kernel_ - 1) / 2);
  }

  std::shared_ptr<torch::nn::Module> make_head(int64_t classes) {
    head_ = classifier(classes);
    return head_.ptr();
  }

  int64_t dims_ = 2, width_ = 224, out_kernel_ = 21, stage1_classes_ = 2;
  std::vector<int64_t> local_kernels_, local_pools_;
  Stage stage1_, stage2_;
  torch::nn::AnyModule stage1_out_, head_;
};

}  // namespace

MEDCNN_REGISTER_NETWORK("cascaded_cnn", CascadedCnn);

}  // namespace medcnn
