#include "medcnn/infer/mc_dropout.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

// The dropout modules of a network (any torch dropout flavour, medcnn's
// channel dropout; dropout with p = 0 is an Identity and not listed).
std::vector<std::shared_ptr<torch::nn::Module>> dropout_modules(torch::nn::Module& net) {
  std::vector<std::shared_ptr<torch::nn::Module>> out;
  for (auto& m : net.modules(/*include_self=*/false))
    if (m->name().find("Dropout") != std::string::npos) out.push_back(m);
  return out;
}

}  // namespace

at::Tensor mc_forward(Network& net, const at::Tensor& x, double drop_weights) {
  auto drops = dropout_modules(net);
  std::vector<std::pair<at::Tensor, at::Tensor>> saved;
  auto restore = [&] {
    for (auto& [w, orig] : saved) w.copy_(orig);
    for (auto& d : drops) d->train(false);
  };
  torch::NoGradGuard no_grad;
  for (auto& d : drops) d->train(true);
  try {
    if (drop_weights > 0)
      for (auto& p : net.named_parameters())
        if (p.value().dim() >= 2) {
          saved.emplace_back(p.value(), p.value().clone());
          p.value().mul_(torch::bernoulli(torch::full_like(p.value(), 1.0 - drop_weights)) /
                         (1.0 - drop_weights));
        }
    at::Tensor y = net.forward(x);
    restore();
    return y;
  } catch (...) {
    restore();
    throw;
  }
}

void check_mc_options(const std::vector<NetworkPtr>& models, int mc_samples, double drop_weights) {
  if (mc_samples < 0) throw ConfigError("mc_samples", "must be 0 or more");
  if (drop_weights < 0 || drop_weights >= 1)
    throw ConfigError("drop_weights", "must lie in [0, 1)");
  if (drop_weights > 0 && mc_samples == 0)
    throw ConfigError("drop_weights", "needs Monte-Carlo passes (mc_samples > 0)");
  if (mc_samples > 0 && drop_weights == 0)
    for (const auto& m : models)
      if (dropout_modules(*m).empty())
        throw ConfigError("mc_samples", "network " + m->spec().name +
                                            " has no dropout layer, so Monte-Carlo dropout "
                                            "passes would all agree; add drop_weights (MC "
                                            "DropConnect) or train with dropout");
}

}  // namespace medcnn
