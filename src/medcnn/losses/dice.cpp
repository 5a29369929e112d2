#include "medcnn/losses/dice.h"

#include <torch/torch.h>

#include "medcnn/core/params.h"

namespace medcnn {

DiceLoss::DiceLoss(const nlohmann::json& params, const LossContext& context) {
  check_keys(params, "loss", {"include_background", "batch", "smooth_nr", "smooth_dr"});
  options_ = soft_overlap_options(params, context);
}

at::Tensor DiceLoss::forward(const at::Tensor& output, const at::Tensor& target) const {
  SoftOverlap s = soft_overlap(output, target, options_);
  at::Tensor score = (2 * s.tp + options_.smooth_nr) / (2 * s.tp + s.fp + s.fn + options_.smooth_dr);
  return (1 - score).mean();
}

MEDCNN_REGISTER_LOSS("dice", DiceLoss);

}  // namespace medcnn
