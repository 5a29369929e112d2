#include "medcnn/losses/cross_entropy.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

CrossEntropyLoss::CrossEntropyLoss(const nlohmann::json& params, const LossContext& context) {
  check_keys(params, "loss", {"class_weights", "label_smoothing"});
  weight_ = class_weights_from_json(params.value("class_weights", nlohmann::json()), context,
                                    "loss.class_weights");
  label_smoothing_ = params.value("label_smoothing", 0.0);
  ignore_label_ = context.ignore_label;
  if (label_smoothing_ < 0 || label_smoothing_ >= 1)
    throw ConfigError("loss.label_smoothing", "must be in [0, 1)");
}

at::Tensor CrossEntropyLoss::forward(const at::Tensor& output, const at::Tensor& target) const {
  namespace F = torch::nn::functional;
  auto options =
      F::CrossEntropyFuncOptions().label_smoothing(label_smoothing_).ignore_index(ignore_label_);
  if (weight_.defined()) options.weight(weight_.to(output.device()));
  // torch gives NaN when every target is ignored; that batch adds nothing.
  if (ignore_label_ != -100 && !target.ne(ignore_label_).any().item<bool>())
    return output.to(torch::kFloat).sum() * 0.0;
  return F::cross_entropy(output.to(torch::kFloat), target, options);
}

MEDCNN_REGISTER_LOSS("cross_entropy", CrossEntropyLoss);

}  // namespace medcnn
