// XceptionBlock: the residual block of Xception's entry, middle and exit
// flows (Chollet 2017), any spatial rank.
//
//   main: `reps` x [ReLU -> SeparableConv 3x3 -> BN] (the first ReLU left out
//         when start_with_relu is false), channels in -> out on the first
//         separable conv (grow_first) or the last one; then a 3x3 max pool
//         with `stride` (padding 1) when stride > 1.
//   skip: identity, or 1x1 conv with `stride` + BN when the shape changes.
//   y = main(x) + skip(x)
// Names: rep.N (sepconvN / bnN inside), skip.0/1.
// Input [B, in, s...], output [B, out, ceil(s / stride)...].
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class XceptionBlock : public Block {
 public:
  XceptionBlock(int64_t dims, int64_t in_channels, int64_t out_channels, int64_t reps,
                int64_t stride = 1, bool start_with_relu = true, bool grow_first = true);
  at::Tensor forward(at::Tensor x) override;

 private:
  ChainPtr rep_, skip_;
};

}  // namespace medcnn
