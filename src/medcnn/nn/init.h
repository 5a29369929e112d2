// Weight initialisers for networks.
//
// apply_init(module, name) walks every sub-module of `module` (itself
// included) and sets, by `name`:
//  - "kaiming": convolutions (and transposed convolutions) He-normal with
//    fan_out and the ReLU gain, as torchvision's ResNet; linear layers keep
//    PyTorch's default (He-uniform with a = sqrt(5), fan_in).
//  - "xavier":   convolutions and linear layers Glorot-uniform.
//  - "gaussian": convolutions and linear layers normal(0, 0.01).
// With every scheme biases are zero and normalisation layers (batch,
// instance, group, layer norm) get weight 1 and bias 0. Draws from torch's
// global generator (seed it with torch::manual_seed).
// A module that also derives from OwnInit has own_init() called after the
// scheme (children first, in module order): a detection head's last layers
// start small whatever the scheme.
// Errors: ConfigError naming the scheme and the known ones.
#pragma once
#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace medcnn {

class OwnInit {
 public:
  virtual ~OwnInit() = default;
  virtual void own_init() = 0;
};

void apply_init(torch::nn::Module& module, const std::string& name);
std::vector<std::string> init_names();

}  // namespace medcnn
