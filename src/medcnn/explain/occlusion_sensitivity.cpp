// Occlusion sensitivity: the drop of the target probability when a window of
// the input is set to a baseline, averaged over the windows covering a voxel.
#include <torch/torch.h>

#include "medcnn/explain/explainer.h"

namespace medcnn {
namespace {

using torch::indexing::Slice;

// Window starts along one axis: 0, stride, ..., the last window flush with the end.
std::vector<int64_t> starts(int64_t size, int64_t patch, int64_t stride) {
  std::vector<int64_t> s;
  if (patch >= size) return {0};
  for (int64_t p = 0; p + patch < size; p += stride) s.push_back(p);
  s.push_back(size - patch);
  return s;
}

class OcclusionSensitivity : public Explainer {
 public:
  using Explainer::Explainer;
  std::string name() const override { return "occlusion"; }
  Explanation explain(Network& net, const at::Tensor& x,
                      const ExplainTarget& target) const override {
    ResolvedTarget t = resolve_target(net, x, target);
    torch::NoGradGuard no_grad;
    const at::Tensor input = x.to(torch::kFloat);
    const int64_t dims = input.dim() - 2;
    const double base = std::isnan(options_.baseline) ? input.mean().item<double>()
                                                      : options_.baseline;
    std::vector<std::vector<int64_t>> axis_starts;
    std::vector<int64_t> patch;
    for (int64_t a = 0; a < dims; ++a) {
      const int64_t size = input.size(a + 2);
      patch.push_back(std::min(options_.patch, size));
      axis_starts.push_back(starts(size, patch.back(), options_.stride));
    }
    std::vector<std::vector<int64_t>> windows{{}};
    for (const auto& s : axis_starts) {
      std::vector<std::vector<int64_t>> next;
      for (const auto& w : windows)
        for (int64_t v : s) {
          next.push_back(w);
          next.back().push_back(v);
        }
      windows = std::move(next);
    }
    auto region = [&](const std::vector<int64_t>& w, int64_t lead) {
      std::vector<at::indexing::TensorIndex> idx(lead, Slice());
      for (int64_t a = 0; a < dims; ++a) idx.emplace_back(Slice(w[a], w[a] + patch[a]));
      return idx;
    };
    std::vector<int64_t> size(input.sizes().begin() + 2, input.sizes().end());
    at::Tensor sum = torch::zeros(size, torch::kFloat), count = torch::zeros(size, torch::kFloat);
    for (size_t first = 0; first < windows.size(); first += options_.batch) {
      const size_t last = std::min(windows.size(), first + size_t(options_.batch));
      std::vector<int64_t> shape(input.sizes().begin(), input.sizes().end());
      shape[0] = int64_t(last - first);
      at::Tensor batch = input.expand(shape).clone();
      for (size_t i = first; i < last; ++i) {
        auto idx = region(windows[i], 1);
        batch[int64_t(i - first)].index_put_(idx, base);
      }
      at::Tensor drop = (t.probability - target_score(net.forward(batch), t, true)).cpu();
      for (size_t i = first; i < last; ++i) {
        auto idx = region(windows[i], 0);
        sum.index(idx).add_(drop[int64_t(i - first)].item<float>());
        count.index(idx).add_(1.0);
      }
    }
    return {sum / count.clamp_min(1.0), t.class_index, t.probability, name(), ""};
  }
};

MEDCNN_REGISTER_EXPLAINER("occlusion", OcclusionSensitivity);

}  // namespace
}  // namespace medcnn
