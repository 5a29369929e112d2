#include "medcnn/explain/gradient_map.h"

namespace medcnn {

std::vector<int64_t> GradientMap::space_axes(const at::Tensor& a) {
  std::vector<int64_t> axes;
  for (int64_t i = 2; i < a.dim(); ++i) axes.push_back(i);
  return axes;
}

Explanation GradientMap::explain(Network& net, const at::Tensor& x,
                                 const ExplainTarget& target) const {
  const ResolvedTarget t = resolve_target(net, x, target);
  at::Tensor A, g;
  layer_gradients(net, x, layer(), t, &A, &g);
  const std::vector<int64_t> size(x.sizes().begin() + 2, x.sizes().end());
  at::Tensor map = weighted_map(A, weights(net, A, g), size, relu())[0].cpu().contiguous();
  return {map, t.class_index, t.probability, name(), layer()};
}

}  // namespace medcnn
