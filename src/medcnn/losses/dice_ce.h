// DiceCELoss ("dice_ce", MONAI's DiceCELoss; nnU-Net's default objective):
//   loss = lambda_dice * dice + lambda_ce * cross_entropy
// Params: lambda_dice (1), lambda_ce (1); the Dice keys of dice.h
// (include_background, batch, smooth_nr, smooth_dr) and the cross-entropy
// keys of cross_entropy.h (class_weights, label_smoothing) go to their part.
#pragma once
#include "medcnn/losses/loss.h"

namespace medcnn {

class DiceCELoss : public Loss {
 public:
  DiceCELoss(const nlohmann::json& params, const LossContext& context);
  at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const override;
  std::string name() const override { return "dice_ce"; }

 private:
  LossPtr dice_, ce_;
  double lambda_dice_ = 1.0, lambda_ce_ = 1.0;
};

}  // namespace medcnn
