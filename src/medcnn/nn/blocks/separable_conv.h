// SeparableConv: depthwise-separable convolution (Chollet 2017, Xception),
// any spatial rank: "depthwise" (KxK conv, groups = in_channels, with
// stride/dilation) then "pointwise" (1x1 conv in -> out). No normalisation
// or activation (wrap it as needed). Biases off by default.
// padding < 0 (default) is "same" for stride 1.
// Input [B, in, s...], output [B, out, s'...].
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class SeparableConv : public Block {
 public:
  SeparableConv(int64_t dims, int64_t in_channels, int64_t out_channels, int64_t kernel = 3,
                int64_t stride = 1, int64_t padding = -1, int64_t dilation = 1, bool bias = false);
  at::Tensor forward(at::Tensor x) override;

 private:
  torch::nn::AnyModule depthwise_, pointwise_;
};

}  // namespace medcnn
