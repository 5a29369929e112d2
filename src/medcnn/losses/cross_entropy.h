// CrossEntropyLoss ("cross_entropy"): softmax cross-entropy over class
// logits, optionally class-weighted (imbalance) and label-smoothed.
// Params: class_weights ("balanced" | "none" | [w0, w1, ...]),
// label_smoothing (0 <= s < 1, default 0). Matches
// torch.nn.functional.cross_entropy (weighted mean over the batch; targets
// equal to LossContext::ignore_label are left out, as its ignore_index).
// Segmentation: logits [B, K, spatial...], targets [B, spatial...].
#pragma once
#include "medcnn/losses/loss.h"

namespace medcnn {

class CrossEntropyLoss : public Loss {
 public:
  CrossEntropyLoss(const nlohmann::json& params, const LossContext& context);
  at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const override;
  std::string name() const override { return "cross_entropy"; }

 private:
  at::Tensor weight_;
  double label_smoothing_ = 0.0;
  int64_t ignore_label_ = -100;
};

}  // namespace medcnn
