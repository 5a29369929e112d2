// Activation factory by name.
//
// make_activation(spec) returns the activation as an AnyModule. spec is a
// name, optionally with arguments in parentheses:
//   identity | none, sigmoid, tanh, relu, gelu,
//   leaky_relu[(negative_slope = 0.01)],
//   rrelu[(lower = 1/8, upper = 1/3)]  randomised leaky ReLU (Xu et al.
//        2015): in training each element's negative slope is drawn from
//        U(lower, upper); in eval mode the slope is (lower + upper) / 2,
//   elu[(alpha = 1)].
// Errors: ConfigError naming the spec for an unknown name or bad arguments,
// listing the known names.
#pragma once
#include <torch/nn/modules/container/any.h>

#include <string>
#include <vector>

namespace medcnn {

torch::nn::AnyModule make_activation(const std::string& spec);
std::vector<std::string> activation_names();

}  // namespace medcnn
