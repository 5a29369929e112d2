// TverskyLoss ("tversky", Salehi et al. 2017; MONAI's TverskyLoss): Dice with
// separate weights on false positives (alpha) and false negatives (beta),
//   loss = mean over (case, class) of 1 - (tp + smooth_nr) / (tp + alpha fp + beta fn + smooth_dr)
// alpha = beta = 0.5 is the soft Dice; beta > alpha favours sensitivity
// (Salehi et al. use alpha 0.3, beta 0.7 for small lesions).
// Params: alpha (0.5), beta (0.5), include_background (false), batch (false),
// smooth_nr, smooth_dr (1e-5), as dice.h.
#pragma once
#include "medcnn/losses/soft_overlap.h"

namespace medcnn {

class TverskyLoss : public Loss {
 public:
  TverskyLoss(const nlohmann::json& params, const LossContext& context);
  at::Tensor forward(const at::Tensor& output, const at::Tensor& target) const override;
  std::string name() const override { return "tversky"; }

 private:
  SoftOverlapOptions options_;
  double alpha_ = 0.5, beta_ = 0.5;
};

}  // namespace medcnn
