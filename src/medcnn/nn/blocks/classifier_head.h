// ClassifierHead: feature map -> class logits, the part of a network that
// lives under the "head" prefix.
//
//   pool (global or adaptive to pool_size per axis) -> flatten
//   -> dropout(dropout) -> [fcK -> act -> dropout(hidden_dropout)] per hidden
//   -> fc -> [B, num_classes]
// pool: "avg", "max", "avgmax" (both, concatenated) or "none" (the input is
// flattened as it is: its size must then match in_features()).
// Children: "fc1", "fc2", ... (hidden), "fc" (the classifier).
// Input [B, channels, spatial...] (any rank), output [B, num_classes].
// Errors: ConfigError for bad options.
#pragma once
#include <torch/arg.h>
#include <torch/nn/modules/linear.h>

#include <string>
#include <vector>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

struct HeadOptions {
  TORCH_ARG(std::string, pool) = "avg";
  TORCH_ARG(int64_t, pool_size) = 1;
  TORCH_ARG(std::vector<int64_t>, hidden) = {};
  TORCH_ARG(std::string, act) = "relu";
  TORCH_ARG(double, dropout) = 0.0;
  TORCH_ARG(double, hidden_dropout) = 0.0;
  // With pool "none": the flattened feature size.
  TORCH_ARG(int64_t, flat_features) = 0;
};

class ClassifierHead : public Block {
 public:
  ClassifierHead(int64_t dims, int64_t channels, int64_t num_classes,
                 const HeadOptions& options = {});
  at::Tensor forward(at::Tensor x) override;
  int64_t in_features() const { return in_features_; }

 private:
  HeadOptions options_;
  int64_t in_features_ = 0;
  torch::nn::AnyModule dropout_, act_;
  std::vector<torch::nn::AnyModule> hidden_, hidden_drop_;
  torch::nn::Linear fc_{nullptr};
};

}  // namespace medcnn
