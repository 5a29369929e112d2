#include "medcnn/losses/tversky.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

TverskyLoss::TverskyLoss(const nlohmann::json& params, const LossContext& context) {
  check_keys(params, "loss",
             {"alpha", "beta", "include_background", "batch", "smooth_nr", "smooth_dr"});
  options_ = soft_overlap_options(params, context);
  alpha_ = params.value("alpha", 0.5);
  beta_ = params.value("beta", 0.5);
  if (alpha_ < 0 || beta_ < 0 || alpha_ + beta_ <= 0)
    throw ConfigError("loss.alpha/beta", "must be >= 0 with alpha + beta > 0");
}

at::Tensor TverskyLoss::forward(const at::Tensor& output, const at::Tensor& target) const {
  SoftOverlap s = soft_overlap(output, target, options_);
  at::Tensor score =
      (s.tp + options_.smooth_nr) / (s.tp + alpha_ * s.fp + beta_ * s.fn + options_.smooth_dr);
  return (1 - score).mean();
}

MEDCNN_REGISTER_LOSS("tversky", TverskyLoss);

}  // namespace medcnn
