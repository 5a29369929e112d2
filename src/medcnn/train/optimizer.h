// Optimisers by name, from a config table.
//
// make_optimizer({"name": "sgd", "lr": 0.01, "momentum": 0.9, ...}, params)
// builds one over the given (trainable) parameters:
//   sgd:     lr, momentum (0.9), nesterov (false), weight_decay (0), dampening (0)
//   adam:    lr, betas ([0.9, 0.999]), eps (1e-8), weight_decay (0), amsgrad (false)
//   adamw:   as adam, weight_decay default 0.01 (decoupled)
//   rmsprop: lr, alpha (0.99), eps (1e-8), momentum (0), weight_decay (0), centered (false)
// lr defaults: 0.01 for sgd, 0.001 otherwise. ConfigError for an unknown name or key.
// get_lr / set_lr read and write the learning rate of every parameter group.
#pragma once
#include <torch/optim/optimizer.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

namespace medcnn {

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const nlohmann::json& spec,
                                                        std::vector<at::Tensor> params);
double base_lr(const nlohmann::json& spec);
double get_lr(const torch::optim::Optimizer& optimizer);
void set_lr(torch::optim::Optimizer& optimizer, double lr);

}  // namespace medcnn
