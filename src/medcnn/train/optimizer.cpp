#include "medcnn/train/optimizer.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {

double base_lr(const nlohmann::json& spec) {
  std::string name = spec.value("name", "sgd");
  return spec.value("lr", name == "sgd" ? 0.01 : 0.001);
}

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const nlohmann::json& spec,
                                                        std::vector<at::Tensor> params) {
  const std::string name = spec.value("name", "sgd");
  const double lr = base_lr(spec);
  if (!(lr > 0)) throw ConfigError("optimizer.lr", "must be > 0");
  if (params.empty()) throw ConfigError("optimizer", "no trainable parameters (all frozen?)");
  auto betas = [&] {
    auto b = spec.value("betas", std::vector<double>{0.9, 0.999});
    if (b.size() != 2) throw ConfigError("optimizer.betas", "expected two numbers");
    return std::make_tuple(b[0], b[1]);
  };
  if (name == "sgd") {
    check_keys(spec, "optimizer", {"name", "lr", "momentum", "nesterov", "weight_decay", "dampening"});
    auto o = torch::optim::SGDOptions(lr)
                 .momentum(spec.value("momentum", 0.9))
                 .nesterov(spec.value("nesterov", false))
                 .weight_decay(spec.value("weight_decay", 0.0))
                 .dampening(spec.value("dampening", 0.0));
    return std::make_unique<torch::optim::SGD>(std::move(params), o);
  }
  if (name == "adam" || name == "adamw") {
    check_keys(spec, "optimizer", {"name", "lr", "betas", "eps", "weight_decay", "amsgrad"});
    if (name == "adam") {
      auto o = torch::optim::AdamOptions(lr).betas(betas()).eps(spec.value("eps", 1e-8))
                   .weight_decay(spec.value("weight_decay", 0.0)).amsgrad(spec.value("amsgrad", false));
      return std::make_unique<torch::optim::Adam>(std::move(params), o);
    }
    auto o = torch::optim::AdamWOptions(lr).betas(betas()).eps(spec.value("eps", 1e-8))
                 .weight_decay(spec.value("weight_decay", 0.01)).amsgrad(spec.value("amsgrad", false));
    return std::make_unique<torch::optim::AdamW>(std::move(params), o);
  }
  if (name == "rmsprop") {
    check_keys(spec, "optimizer", {"name", "lr", "alpha", "eps", "momentum", "weight_decay", "centered"});
    auto o = torch::optim::RMSpropOptions(lr).alpha(spec.value("alpha", 0.99))
                 .eps(spec.value("eps", 1e-8)).momentum(spec.value("momentum", 0.0))
                 .weight_decay(spec.value("weight_decay", 0.0)).centered(spec.value("centered", false));
    return std::make_unique<torch::optim::RMSprop>(std::move(params), o);
  }
  throw ConfigError("optimizer.name", "unknown optimizer '" + name + "' (known: adam, adamw, rmsprop, sgd)");
}

double get_lr(const torch::optim::Optimizer& optimizer) {
  return optimizer.param_groups().at(0).options().get_lr();
}

void set_lr(torch::optim::Optimizer& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) group.options().set_lr(lr);
}

}  // namespace medcnn
