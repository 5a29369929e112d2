#include "medcnn/nn/init.h"

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

enum class Scheme { kKaiming, kXavier, kGaussian };

Scheme parse(const std::string& name) {
  if (name == "kaiming") return Scheme::kKaiming;
  if (name == "xavier") return Scheme::kXavier;
  if (name == "gaussian") return Scheme::kGaussian;
  throw ConfigError("network.init", "unknown initialiser '" + name +
                                        "' (known: kaiming, xavier, gaussian)");
}

template <class Conv>
bool init_conv(torch::nn::Module& m, Scheme s) {
  auto* c = dynamic_cast<Conv*>(&m);
  if (!c) return false;
  if (s == Scheme::kKaiming)
    torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
  else if (s == Scheme::kXavier)
    torch::nn::init::xavier_uniform_(c->weight);
  else
    torch::nn::init::normal_(c->weight, 0.0, 0.01);
  if (c->bias.defined()) torch::nn::init::zeros_(c->bias);
  return true;
}

void init_affine(const at::Tensor& weight, const at::Tensor& bias) {
  if (weight.defined()) torch::nn::init::ones_(weight);
  if (bias.defined()) torch::nn::init::zeros_(bias);
}

template <class Norm>
bool init_norm(torch::nn::Module& m) {
  auto* n = dynamic_cast<Norm*>(&m);
  if (!n) return false;
  init_affine(n->weight, n->bias);
  return true;
}

void init_one(torch::nn::Module& m, Scheme s) {
  if (init_conv<torch::nn::Conv1dImpl>(m, s) || init_conv<torch::nn::Conv2dImpl>(m, s) ||
      init_conv<torch::nn::Conv3dImpl>(m, s) ||
      init_conv<torch::nn::ConvTranspose1dImpl>(m, s) ||
      init_conv<torch::nn::ConvTranspose2dImpl>(m, s) ||
      init_conv<torch::nn::ConvTranspose3dImpl>(m, s))
    return;
  if (auto* l = dynamic_cast<torch::nn::LinearImpl*>(&m)) {
    if (s == Scheme::kKaiming)
      torch::nn::init::kaiming_uniform_(l->weight, std::sqrt(5.0));
    else if (s == Scheme::kXavier)
      torch::nn::init::xavier_uniform_(l->weight);
    else
      torch::nn::init::normal_(l->weight, 0.0, 0.01);
    if (l->bias.defined()) torch::nn::init::zeros_(l->bias);
    return;
  }
  if (init_norm<torch::nn::BatchNorm1dImpl>(m) || init_norm<torch::nn::BatchNorm2dImpl>(m) ||
      init_norm<torch::nn::BatchNorm3dImpl>(m) || init_norm<torch::nn::InstanceNorm1dImpl>(m) ||
      init_norm<torch::nn::InstanceNorm2dImpl>(m) || init_norm<torch::nn::InstanceNorm3dImpl>(m) ||
      init_norm<torch::nn::GroupNormImpl>(m) || init_norm<torch::nn::LayerNormImpl>(m))
    return;
}

}  // namespace

std::vector<std::string> init_names() { return {"kaiming", "xavier", "gaussian"}; }

void apply_init(torch::nn::Module& module, const std::string& name) {
  const Scheme s = parse(name);
  torch::NoGradGuard no_grad;
  init_one(module, s);
  for (const auto& child : module.modules(/*include_self=*/false)) init_one(*child, s);
  for (const auto& child : module.modules(/*include_self=*/true))
    if (auto* own = dynamic_cast<OwnInit*>(child.get())) own->own_init();
}

}  // namespace medcnn
