// GlobalPool: global pooling over every spatial axis, any rank.
//
// global_pool(x, mode): x [B, C, spatial...] -> [B, C] ("avg" mean, "max"
// maximum) or [B, 2C] ("avgmax": the mean then the maximum, concatenated).
// GlobalPool is the same as a module (no parameters).
// Errors: ConfigError for an unknown mode; DataError for a tensor of rank < 3.
#pragma once
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

at::Tensor global_pool(const at::Tensor& x, const std::string& mode = "avg");

class GlobalPool : public Block {
 public:
  explicit GlobalPool(std::string mode = "avg");
  at::Tensor forward(at::Tensor x) override;
  // Output features per input channel (2 for avgmax, 1 otherwise).
  int64_t multiplier() const { return mode_ == "avgmax" ? 2 : 1; }

 private:
  std::string mode_;
};

}  // namespace medcnn
