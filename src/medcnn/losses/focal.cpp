#include "medcnn/losses/focal.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

FocalLoss::FocalLoss(const nlohmann::json& params, const LossContext& context) {
  check_keys(params, "loss", {"gamma", "alpha"});
  gamma_ = params.value("gamma", 2.0);
  if (gamma_ < 0) throw ConfigError("loss.gamma", "must be >= 0");
  alpha_ = class_weights_from_json(params.value("alpha", nlohmann::json()), context, "loss.alpha");
  ignore_label_ = context.ignore_label;
}

at::Tensor FocalLoss::forward(const at::Tensor& output, const at::Tensor& target) const {
  auto logp = torch::log_softmax(output.to(torch::kFloat), 1);
  at::Tensor valid = target.ne(ignore_label_);
  at::Tensor t = target.masked_fill(valid.logical_not(), 0);
  auto logp_t = logp.gather(1, t.unsqueeze(1)).squeeze(1);
  auto p_t = logp_t.exp();
  auto term = -(1 - p_t).pow(gamma_) * logp_t;
  if (alpha_.defined())
    term = term * alpha_.to(output.device()).index_select(0, t.flatten()).view_as(term);
  term = term * valid;
  return term.sum() / valid.sum().clamp_min(1);
}

MEDCNN_REGISTER_LOSS("focal", FocalLoss);

}  // namespace medcnn
