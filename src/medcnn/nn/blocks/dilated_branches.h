// DilatedBranches: parallel dilated convolution branches, concatenated
// (the "parallel dilated" design of PDCOVIDNet, Chowdhury et al. 2020), any
// spatial rank.
//
// One branch per dilation d ("branch0", "branch1", ...), each `depth`
// ConvNormAct layers (kernel K, dilation d, "same" padding d * (K - 1) / 2),
// in -> out_per_branch -> ... -> out_per_branch. Branches see the same input
// and keep its size; their outputs are concatenated on channels.
// Input [B, in, s...], output [B, out_per_branch * dilations.size(), s...].
// Errors: ConfigError for an empty dilation list or a dilation < 1.
#pragma once
#include <string>
#include <vector>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class DilatedBranches : public Block {
 public:
  DilatedBranches(int64_t dims, int64_t in_channels, int64_t out_per_branch,
                  std::vector<int64_t> dilations, int64_t depth = 1, int64_t kernel = 3,
                  const std::string& act = "relu", const std::string& norm = "batch");
  at::Tensor forward(at::Tensor x) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  std::vector<ChainPtr> branches_;
  int64_t out_channels_;
};

}  // namespace medcnn
