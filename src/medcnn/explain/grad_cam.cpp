// Grad-CAM: ReLU(sum_k mean_space(dS/dA_k) A_k) at a named layer.
#include <torch/torch.h>

#include "medcnn/explain/explainer.h"

namespace medcnn {
namespace {

std::vector<int64_t> space_axes(const at::Tensor& a) {
  std::vector<int64_t> axes;
  for (int64_t i = 2; i < a.dim(); ++i) axes.push_back(i);
  return axes;
}

class GradCam : public Explainer {
 public:
  using Explainer::Explainer;
  std::string name() const override { return "gradcam"; }
  Explanation explain(Network& net, const at::Tensor& x,
                      const ExplainTarget& target) const override {
    ResolvedTarget t = resolve_target(net, x, target);
    at::Tensor A, g;
    layer_gradients(net, x, options_.layer, t, &A, &g);
    at::Tensor w = g.mean(space_axes(g));
    std::vector<int64_t> size(x.sizes().begin() + 2, x.sizes().end());
    return {weighted_map(A, w, size, true)[0].cpu().contiguous(), t.class_index, t.probability,
            name(), options_.layer};
  }
};

class GradCamPlusPlus : public Explainer {
 public:
  using Explainer::Explainer;
  std::string name() const override { return "gradcam++"; }
  Explanation explain(Network& net, const at::Tensor& x,
                      const ExplainTarget& target) const override {
    ResolvedTarget t = resolve_target(net, x, target);
    at::Tensor A, g;
    layer_gradients(net, x, options_.layer, t, &A, &g);
    const std::vector<int64_t> axes = space_axes(g);
    std::vector<int64_t> shape{A.size(0), A.size(1)};
    for (size_t i = 0; i < axes.size(); ++i) shape.push_back(1);
    at::Tensor g2 = g.pow(2), g3 = g.pow(3);
    at::Tensor sum_a = A.sum(axes).reshape(shape);
    at::Tensor alpha = g2 / (2 * g2 + sum_a * g3 + 1e-7);
    alpha = torch::where(g != 0, alpha, torch::zeros_like(alpha));
    at::Tensor w = (torch::relu(g) * alpha).sum(axes);
    std::vector<int64_t> size(x.sizes().begin() + 2, x.sizes().end());
    return {weighted_map(A, w, size, true)[0].cpu().contiguous(), t.class_index, t.probability,
            name(), options_.layer};
  }
};

MEDCNN_REGISTER_EXPLAINER("gradcam", GradCam);
MEDCNN_REGISTER_EXPLAINER("gradcam++", GradCamPlusPlus);

}  // namespace
}  // namespace medcnn
