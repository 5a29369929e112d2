#include "medcnn/explain/explainer.h"

#include <torch/torch.h>

#include <utility>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

using Factory = std::function<ExplainerPtr(const ExplainOptions&)>;

std::vector<std::pair<std::string, Factory>>& registry() {
  static std::vector<std::pair<std::string, Factory>> r;
  return r;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& e : v) s += (s.empty() ? "" : ", ") + e;
  return s;
}

}  // namespace

bool register_explainer(const std::string& name, Factory factory) {
  registry().emplace_back(name, std::move(factory));
  return true;
}

std::vector<std::string> explainer_names() {
  std::vector<std::string> names;
  for (const auto& e : registry()) names.push_back(e.first);
  return names;
}

ExplainerPtr make_explainer(const std::string& name, const ExplainOptions& options) {
  if (options.patch < 1 || options.stride < 1 || options.batch < 1)
    throw ConfigError("explain", "patch, stride and batch must be at least 1");
  for (const auto& e : registry())
    if (e.first == name) return e.second(options);
  throw ConfigError("method", "unknown explanation method '" + name + "'; valid: " +
                                  join(explainer_names()));
}

Explanation explain_ensemble(const Explainer& explainer, const std::vector<NetworkPtr>& models,
                             const at::Tensor& x, const ExplainTarget& target) {
  if (models.empty()) throw ConfigError("explain", "no model to explain");
  Explanation e;
  at::Tensor sum;
  for (const auto& m : models) {
    e = explainer.explain(*m, x, target);
    sum = sum.defined() ? sum + e.map : e.map;
  }
  e.map = sum / double(models.size());
  return e;
}

ResolvedTarget resolve_target(Network& net, const at::Tensor& x, const ExplainTarget& target) {
  if (!x.defined() || x.dim() < 3 || x.size(0) != 1)
    throw DataError("explain", "expected one case [1, C, spatial...]");
  net.eval();
  at::Tensor y;
  {
    torch::NoGradGuard no_grad;
    y = net.forward(x).to(torch::kFloat);
  }
  const int64_t k = y.size(1);
  ResolvedTarget t;
  t.sigmoid = target.sigmoid;
  const bool segmentation = y.dim() > 2;
  if (target.class_index >= k)
    throw ConfigError("class", "class " + std::to_string(target.class_index) +
                                   " is out of range: the network has " + std::to_string(k) +
                                   " classes");
  at::Tensor labels = segmentation ? y.argmax(1) : at::Tensor();  // [1, spatial...]
  if (target.class_index >= 0) {
    t.class_index = target.class_index;
  } else if (!segmentation) {
    t.class_index = y.argmax(1).item<int64_t>();
  } else {
    at::Tensor counts = torch::bincount(labels.flatten(), {}, k);
    t.class_index = k > 1 ? 1 : 0;
    int64_t best = 0;
    for (int64_t c = 1; c < k; ++c)
      if (counts[c].item<int64_t>() > best) best = counts[c].item<int64_t>(), t.class_index = c;
  }
  if (segmentation) {
    if (target.region.defined()) {
      at::Tensor r = target.region.to(torch::kBool).to(y.device());
      if (r.dim() == y.dim() - 2) r = r.unsqueeze(0);
      if (r.sizes() != labels.sizes())
        throw DataError("explain", "the region's shape does not match the output grid");
      t.region = r;
    } else {
      t.region = labels.eq(t.class_index);
    }
    if (!t.region.any().item<bool>()) t.region = torch::ones_like(labels, torch::kBool);
  }
  t.probability = target_score(y, t, true).item<double>();
  return t;
}

at::Tensor target_score(const at::Tensor& output, const ResolvedTarget& t, bool probability) {
  at::Tensor y = !probability ? output
                 : t.sigmoid  ? torch::sigmoid(output.to(torch::kFloat))
                              : torch::softmax(output.to(torch::kFloat), 1);
  at::Tensor s = y.select(1, t.class_index);  // [B] or [B, spatial...]
  if (s.dim() == 1) return s;
  at::Tensor w = t.region.to(s.scalar_type()).expand_as(s);
  std::vector<int64_t> axes;
  for (int64_t a = 1; a < s.dim(); ++a) axes.push_back(a);
  return (s * w).sum(axes) / t.region.sum().to(s.scalar_type());
}

void layer_gradients(Network& net, const at::Tensor& x, const std::string& layer,
                     const ResolvedTarget& t, at::Tensor* activation, at::Tensor* gradient) {
  torch::AutoGradMode grad_mode(true);
  at::Tensor A;
  LayerTap tap = [&A](const at::Tensor& a) {
    A = a;
    return a;
  };
  at::Tensor input = x.detach().to(torch::kFloat).requires_grad_(true);
  at::Tensor y = net.forward_tapped(input, layer, tap);
  if (!A.defined()) throw ConfigError("layer", "layer '" + layer + "' was not reached");
  at::Tensor s = target_score(y.to(torch::kFloat), t, false).sum();
  *gradient = torch::autograd::grad({s}, {A})[0].detach().to(torch::kFloat);
  *activation = A.detach().to(torch::kFloat);
}

at::Tensor weighted_map(const at::Tensor& activation, const at::Tensor& weights,
                        const std::vector<int64_t>& size, bool relu) {
  // activation [B, K, s...], weights [B, K] (or [B, K, s...]) -> [B, 1, s...]
  std::vector<int64_t> shape{weights.size(0), weights.size(1)};
  for (int64_t a = 2; a < activation.dim(); ++a)
    shape.push_back(weights.dim() == activation.dim() ? weights.size(a) : 1);
  at::Tensor m = (activation * weights.reshape(shape)).sum(1, true);
  if (relu) m = torch::relu(m);
  const int64_t dims = m.dim() - 2;
  namespace F = torch::nn::functional;
  auto opts = F::InterpolateFuncOptions().size(size).align_corners(false);
  if (dims == 1) opts.mode(torch::kLinear);
  else if (dims == 2) opts.mode(torch::kBilinear);
  else opts.mode(torch::kTrilinear);
  if (std::vector<int64_t>(m.sizes().begin() + 2, m.sizes().end()) != size)
    m = F::interpolate(m, opts);
  m = m.select(1, 0);
  std::vector<int64_t> axes;
  for (int64_t a = 1; a < m.dim(); ++a) axes.push_back(a);
  at::Tensor lo = m.amin(axes, true), hi = m.amax(axes, true);
  at::Tensor range = hi - lo;
  return torch::where(range > 0, (m - lo) / range.clamp_min(1e-30), torch::zeros_like(m));
}

}  // namespace medcnn
