// FocalLoss ("focal", Lin et al. 2017): softmax focal loss for class
// imbalance, FL = -alpha_y * (1 - p_y)^gamma * log p_y, averaged over the
// batch (sum of alpha-weighted terms / batch size). gamma = 0 and no alpha
// gives plain cross-entropy.
// Params: gamma (>= 0, default 2), alpha ("balanced" | "none" | [a0, a1, ...]
// per class; default none). Segmentation: logits [B, K, spatial...], targets
// [B, spatial...], the mean over every non-ignored voxel
// (LossContext::ignore_label).
#pragma once
#include "medcnn/losses/loss.h"

namespace medcnn {

class FocalLoss : public Loss {
 public:
  FocalLoss(const nlohmann::json& params, const LossContext& context);
  at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const override;
  std::string name() const override { return "focal"; }

 private:
  double gamma_ = 2.0;
  at::Tensor alpha_;
  int64_t ignore_label_ = -100;
};

}  // namespace medcnn
