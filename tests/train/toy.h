// A tiny network and an easy in-memory data set for trainer tests.
#pragma once
#include <torch/torch.h>

#include "medcnn/core/image.h"
#include "medcnn/data/dataset.h"
#include "medcnn/nn/network.h"

namespace medcnn::test {

// conv(3x3, 4) -> relu -> global average -> dropout -> linear: parameters
// "conv.weight", "conv.bias", "head.weight", "head.bias".
class ToyNet : public Network {
 public:
  explicit ToyNet(const NetworkSpec& s) : Network(s) {
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(s.in_channels, 4, 3).padding(1)));
    drop_ = register_module("drop", torch::nn::Dropout(0.3));
    head_ = register_module("head", torch::nn::Linear(4, s.num_classes));
  }
  at::Tensor features(at::Tensor x) override { return torch::relu(conv_->forward(x)); }
  at::Tensor head(at::Tensor f) override {
    return head_->forward(drop_->forward(f.mean({2, 3})));
  }
  void reset_head(int64_t k) override {
    head_ = replace_module("head", torch::nn::Linear(4, k));
    spec_.num_classes = k;
  }

 private:
  torch::nn::Conv2d conv_{nullptr};
  torch::nn::Dropout drop_{nullptr};
  torch::nn::Linear head_{nullptr};
};

// n cases of 1x12x12 noise; class 1 has a brighter centre. Labels alternate.
class ToyDataset : public Dataset {
 public:
  explicit ToyDataset(size_t n, double contrast = 1.5) : n_(n), contrast_(contrast) {}
  size_t size() const override { return n_; }
  Sample get(size_t i) const override {
    auto g = at::detail::createCPUGenerator(1000 + i);
    auto x = torch::randn({1, 12, 12}, g);
    const int64_t label = static_cast<int64_t>(i % 2);
    if (label) x.index({0, torch::indexing::Slice(3, 9), torch::indexing::Slice(3, 9)}) += contrast_;
    Sample s;
    s.id = "toy" + std::to_string(i);
    s.image = Image::from_tensor(x, 2);
    s.label = label;
    return s;
  }
  std::vector<int64_t> labels() const override {
    std::vector<int64_t> l;
    for (size_t i = 0; i < n_; ++i) l.push_back(static_cast<int64_t>(i % 2));
    return l;
  }
  std::vector<std::string> class_names() const override { return {"absent", "present"}; }
  std::string describe() const override { return "toy data set"; }

 private:
  size_t n_;
  double contrast_;
};

}  // namespace medcnn::test
