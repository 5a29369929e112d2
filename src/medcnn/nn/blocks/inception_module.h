// InceptionModule: the Inception (v1) module of Szegedy et al. 2015
// (GoogLeNet), any spatial rank. Four parallel branches, concatenated:
//   branch1: 1x1 conv -> ch1x1
//   branch2: 1x1 conv -> ch3x3red, 3x3 conv -> ch3x3
//   branch3: 1x1 conv -> ch5x5red, KxK conv -> ch5x5 (K = branch3_kernel:
//            5 as in the paper; torchvision's GoogLeNet uses 3)
//   branch4: 3x3 max pool (stride 1), 1x1 conv -> pool_proj
// Every conv is ConvNormAct (conv without bias, batch norm with eps 1e-3,
// ReLU), as torchvision's BasicConv2d.
// Input [B, in, s...], output [B, ch1x1 + ch3x3 + ch5x5 + pool_proj, s...].
#pragma once
#include "medcnn/nn/blocks/block.h"

namespace medcnn {

struct InceptionChannels {
  int64_t ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj;
  int64_t out() const { return ch1x1 + ch3x3 + ch5x5 + pool_proj; }
};

class InceptionModule : public Block {
 public:
  InceptionModule(int64_t dims, int64_t in_channels, const InceptionChannels& ch,
                  int64_t branch3_kernel = 5);
  at::Tensor forward(at::Tensor x) override;
  int64_t out_channels() const { return out_channels_; }

 private:
  BlockPtr branch1_;
  ChainPtr branch2_, branch3_, branch4_;
  int64_t out_channels_;
};

}  // namespace medcnn
