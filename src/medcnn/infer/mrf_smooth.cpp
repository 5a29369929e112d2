#include "medcnn/infer/mrf_smooth.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

MrfOptions mrf_options(const nlohmann::json& params, const std::string& where) {
  check_keys(params, where, {"weight", "iterations", "contrast_sigma"});
  MrfOptions o;
  auto number = [&](const char* key, double fallback, double lo, double hi) {
    if (!params.contains(key)) return fallback;
    const auto& v = params[key];
    if (!v.is_number() || !(v.get<double>() >= lo && v.get<double>() <= hi))
      throw ConfigError(where + "." + key, "expected a number in [" + std::to_string(lo) + ", " +
                                               std::to_string(hi) + "]");
    return v.get<double>();
  };
  o.weight = number("weight", o.weight, 0.0, 1e6);
  o.contrast_sigma = number("contrast_sigma", o.contrast_sigma, 0.0, 1e12);
  if (params.contains("iterations") && !params["iterations"].is_number_integer())
    throw ConfigError(where + ".iterations", "expected a whole number in [0, 100]");
  o.iterations = static_cast<int>(number("iterations", o.iterations, 0, 100));
  return o;
}

at::Tensor mrf_smooth(const at::Tensor& probs, const at::Tensor& image, const MrfOptions& o) {
  if (o.iterations == 0 || o.weight == 0.0) return probs;
  const int64_t d = probs.dim() - 1;
  if (d < 1 || d > 3) throw std::logic_error("mrf_smooth: probabilities must be [K, spatial...]");
  // Pair weights along each spatial axis a: [1, ..., n_a - 1, ...] between
  // voxel k and k + 1.
  std::vector<at::Tensor> pair(d);
  for (int64_t a = 0; a < d; ++a) {
    const int64_t n = probs.size(a + 1);
    if (n < 2) continue;
    if (o.contrast_sigma > 0.0) {
      if (image.sizes().slice(1) != probs.sizes().slice(1))
        throw std::logic_error("mrf_smooth: image and probabilities on different grids");
      at::Tensor im = image.to(probs.scalar_type());
      at::Tensor diff = im.narrow(a + 1, 1, n - 1) - im.narrow(a + 1, 0, n - 1);
      pair[a] = torch::exp(-diff.pow(2).sum(0, true) / (2.0 * o.contrast_sigma * o.contrast_sigma));
    }
  }
  const at::Tensor log_p = probs.clamp_min(1e-12).log();
  at::Tensor q = probs;
  for (int it = 0; it < o.iterations; ++it) {
    at::Tensor message = torch::zeros_like(q);
    for (int64_t a = 0; a < d; ++a) {
      const int64_t n = q.size(a + 1);
      if (n < 2) continue;
      at::Tensor next = q.narrow(a + 1, 1, n - 1), prev = q.narrow(a + 1, 0, n - 1);
      if (pair[a].defined()) next = next * pair[a], prev = prev * pair[a];
      message.narrow(a + 1, 0, n - 1).add_(next);  // each voxel hears its successor
      message.narrow(a + 1, 1, n - 1).add_(prev);  // and its predecessor
    }
    q = torch::softmax(log_p + o.weight * message, 0);
  }
  return q;
}

}  // namespace medcnn
