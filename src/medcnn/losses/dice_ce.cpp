#include "medcnn/losses/dice_ce.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"
#include "medcnn/losses/cross_entropy.h"
#include "medcnn/losses/dice.h"

namespace medcnn {

DiceCELoss::DiceCELoss(const nlohmann::json& params, const LossContext& context) {
  check_keys(params, "loss", {"lambda_dice", "lambda_ce", "include_background", "batch",
                              "smooth_nr", "smooth_dr", "class_weights", "label_smoothing"});
  lambda_dice_ = params.value("lambda_dice", 1.0);
  lambda_ce_ = params.value("lambda_ce", 1.0);
  if (lambda_dice_ < 0 || lambda_ce_ < 0)
    throw ConfigError("loss.lambda_dice/lambda_ce", "must be >= 0");
  nlohmann::json dice = nlohmann::json::object(), ce = nlohmann::json::object();
  for (const auto& [k, v] : params.items()) {
    if (k == "class_weights" || k == "label_smoothing") ce[k] = v;
    else if (k != "lambda_dice" && k != "lambda_ce") dice[k] = v;
  }
  dice_ = std::make_shared<const DiceLoss>(dice, context);
  ce_ = std::make_shared<const CrossEntropyLoss>(ce, context);
}

at::Tensor DiceCELoss::forward(const at::Tensor& output, const at::Tensor& target) const {
  return lambda_dice_ * dice_->forward(output, target) + lambda_ce_ * ce_->forward(output, target);
}

MEDCNN_REGISTER_LOSS("dice_ce", DiceCELoss);

}  // namespace medcnn
