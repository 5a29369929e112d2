// GradientMap: the shared shape of the gradient-weighted class activation
// maps (CAM, Grad-CAM, Grad-CAM++): A = the layer's output, g = dS/dA,
// map = [ReLU](sum_k w_k A_k) upsampled to the input and min-max scaled
// (explainer.h). A subclass gives the channel weights w [B, K] (or
// element-wise weights [B, K, spatial...]) from A and g, and may fix the
// layer or drop the ReLU.
#pragma once
#include <string>
#include <vector>

#include "medcnn/explain/explainer.h"

namespace medcnn {

class GradientMap : public Explainer {
 public:
  using Explainer::Explainer;
  Explanation explain(Network& net, const at::Tensor& x,
                      const ExplainTarget& target) const override;

 protected:
  virtual at::Tensor weights(const Network& net, const at::Tensor& activation,
                             const at::Tensor& gradient) const = 0;
  virtual std::string layer() const { return options_.layer; }
  virtual bool relu() const { return true; }
  // The spatial axes (2, 3, ...) of a [B, K, spatial...] tensor.
  static std::vector<int64_t> space_axes(const at::Tensor& a);
};

}  // namespace medcnn
