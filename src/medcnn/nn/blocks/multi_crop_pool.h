// MultiCropPool: multi-crop pooling (Shen et al. 2017, "Multi-crop
// convolutional neural networks for lung nodule malignancy suspiciousness
// classification"), any spatial rank.
//
// For level i = 0 .. levels-1 the centred crop of extent floor(n / 2^i)
// (at least 1) is taken on every spatial axis of the feature map (crop start
// floor((n - c) / 2)) and max-pooled (adaptive) to extent t; the levels are
// concatenated on channels, level 0 (the whole map) first.
// t = output_size when > 0, else floor(n / 2^(levels-1)) (at least 1), so
// with n divisible by 2^(levels-1) level i is plain max pooling with kernel
// and stride 2^(levels-1-i), as in the paper (levels = 3: R0 pooled twice,
// R1 once, R2 not at all). output_size = 1 gives one vector per crop.
// mode "max" (paper) or "avg".
// Input [B, C, n...], output [B, C * levels, t...].
#pragma once
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

class MultiCropPool : public Block {
 public:
  explicit MultiCropPool(int64_t levels = 3, int64_t output_size = 0, std::string mode = "max");
  at::Tensor forward(at::Tensor x) override;
  int64_t levels() const { return levels_; }

 private:
  int64_t levels_, output_size_;
  std::string mode_;
};

}  // namespace medcnn
