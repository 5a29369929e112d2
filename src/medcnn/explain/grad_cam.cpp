// Grad-CAM, Grad-CAM++ and LayerCAM at a named layer (gradient_map.h,
// explainer.h).
#include <torch/torch.h>

#include "medcnn/explain/gradient_map.h"

namespace medcnn {
namespace {

class GradCam : public GradientMap {
 public:
  using GradientMap::GradientMap;
  std::string name() const override { return "gradcam"; }

 protected:
  // w_k = mean over space of g_k
  at::Tensor weights(const Network&, const at::Tensor&, const at::Tensor& g) const override {
    return g.mean(space_axes(g));
  }
};

class GradCamPlusPlus : public GradientMap {
 public:
  using GradientMap::GradientMap;
  std::string name() const override { return "gradcam++"; }

 protected:
  // a = g^2 / (2 g^2 + sum_space(A) g^3) (0 where g = 0); w_k = sum_space ReLU(g) a
  at::Tensor weights(const Network&, const at::Tensor& A, const at::Tensor& g) const override {
    const std::vector<int64_t> axes = space_axes(g);
    std::vector<int64_t> shape{A.size(0), A.size(1)};
    shape.resize(A.dim(), 1);
    at::Tensor g2 = g.pow(2), g3 = g.pow(3);
    at::Tensor alpha = g2 / (2 * g2 + A.sum(axes).reshape(shape) * g3 + 1e-7);
    alpha = torch::where(g != 0, alpha, torch::zeros_like(alpha));
    return (torch::relu(g) * alpha).sum(axes);
  }
};

// LayerCAM (Jiang et al. 2021): each location's own positive gradient
// weighs the activation there, w = ReLU(g) [B, K, spatial...]: maps stay
// sharp at shallow layers and for one-cell scores (a detection's centre).
class LayerCam : public GradientMap {
 public:
  using GradientMap::GradientMap;
  std::string name() const override { return "layercam"; }

 protected:
  at::Tensor weights(const Network&, const at::Tensor&, const at::Tensor& g) const override {
    return torch::relu(g);
  }
};

MEDCNN_REGISTER_EXPLAINER("gradcam", GradCam);
MEDCNN_REGISTER_EXPLAINER("layercam", LayerCam);
MEDCNN_REGISTER_EXPLAINER("gradcam++", GradCamPlusPlus);

}  // namespace
}  // namespace medcnn
