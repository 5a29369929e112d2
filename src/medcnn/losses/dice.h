// DiceLoss ("dice", Milletari et al. 2016; MONAI's DiceLoss): soft Dice over
// softmax probabilities,
//   loss = mean over (case, class) of 1 - (2 tp + smooth_nr) / (2 tp + fp + fn + smooth_dr)
// with tp/fp/fn from soft_overlap (soft_overlap.h: per case, or pooled over
// the batch with batch = true; background left out unless
// include_background; ignored voxels left out).
// Params: include_background (false), batch (false), smooth_nr (1e-5),
// smooth_dr (1e-5). Logits [B, K, spatial...], targets [B, spatial...].
#pragma once
#include "medcnn/losses/soft_overlap.h"

namespace medcnn {

class DiceLoss : public Loss {
 public:
  DiceLoss(const nlohmann::json& params, const LossContext& context);
  at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const override;
  std::string name() const override { return "dice"; }

 private:
  SoftOverlapOptions options_;
};

}  // namespace medcnn
