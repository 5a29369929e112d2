// Class activation map (gradient_map.h, explainer.h): at the last feature
// map, w_k = dS/d(pooled feature k), read from the gradient, which is uniform
// over space exactly when the head starts with global average pooling.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/explain/gradient_map.h"

namespace medcnn {
namespace {

class ClassActivationMap : public GradientMap {
 public:
  using GradientMap::GradientMap;
  std::string name() const override { return "cam"; }

 protected:
  std::string layer() const override { return "features"; }
  bool relu() const override { return false; }
  at::Tensor weights(const Network& net, const at::Tensor&, const at::Tensor& g) const override {
    const std::vector<int64_t> axes = space_axes(g);
    const double spread = (g.amax(axes) - g.amin(axes)).abs().max().item<double>();
    const double scale = g.abs().max().item<double>();
    if (!(spread <= 1e-4 * scale + 1e-12))
      throw ConfigError("method", "cam needs a network whose head starts with global average "
                                  "pooling; network " + net.spec().name +
                                  " has another head: use gradcam");
    return g.mean(axes) * double(g[0][0].numel());  // dS/d(pooled feature)
  }
};

MEDCNN_REGISTER_EXPLAINER("cam", ClassActivationMap);

}  // namespace
}  // namespace medcnn
