// Class activation map: sum_k w_k A_k at the last feature map, w_k the class
// weights behind global average pooling (read from the gradient, which is
// uniform over space for such heads).
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/explain/explainer.h"

namespace medcnn {
namespace {

class ClassActivationMap : public Explainer {
 public:
  using Explainer::Explainer;
  std::string name() const override { return "cam"; }
  Explanation explain(Network& net, const at::Tensor& x,
                      const ExplainTarget& target) const override {
    ResolvedTarget t = resolve_target(net, x, target);
    at::Tensor A, g;
    layer_gradients(net, x, "features", t, &A, &g);
    std::vector<int64_t> axes;
    for (int64_t i = 2; i < g.dim(); ++i) axes.push_back(i);
    const double spread = (g.amax(axes) - g.amin(axes)).abs().max().item<double>();
    const double scale = g.abs().max().item<double>();
    if (!(spread <= 1e-4 * scale + 1e-12))
      throw ConfigError("method", "cam needs a network whose head starts with global average "
                                  "pooling; network " + net.spec().name +
                                  " has another head: use gradcam");
    const double n = double(g[0][0].numel());
    at::Tensor w = g.mean(axes) * n;  // dS/d(pooled feature)
    std::vector<int64_t> size(x.sizes().begin() + 2, x.sizes().end());
    return {weighted_map(A, w, size, false)[0].cpu().contiguous(), t.class_index, t.probability,
            name(), "features"};
  }
};

MEDCNN_REGISTER_EXPLAINER("cam", ClassActivationMap);

}  // namespace
}  // namespace medcnn
