#include "medcnn/train/weight_average.h"

#include <torch/torch.h>

#include <algorithm>
#include <string>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

// The network's state in a fixed order: parameters, then buffers.
std::vector<at::Tensor> state_of(Network& net) {
  std::vector<at::Tensor> out = net.parameters();
  for (auto& b : net.buffers()) out.push_back(b);
  return out;
}

}  // namespace

WeightAverage::WeightAverage(Network& net, double decay) : decay_(decay) {
  if (!(decay > 0 && decay < 1)) throw ConfigError("train.ema_decay", "must be in (0, 1)");
  torch::NoGradGuard no_grad;
  for (auto& t : state_of(net)) average_.push_back(t.detach().clone());
}

void WeightAverage::update(Network& net) {
  torch::NoGradGuard no_grad;
  ++steps_;
  const double d = std::min(decay_, (1.0 + steps_) / (10.0 + steps_));
  auto state = state_of(net);
  for (size_t i = 0; i < state.size(); ++i) {
    if (average_[i].is_floating_point())
      average_[i].mul_(d).add_(state[i].detach(), 1.0 - d);
    else
      average_[i].copy_(state[i]);
  }
}

void WeightAverage::swap(Network& net) {
  torch::NoGradGuard no_grad;
  auto state = state_of(net);
  for (size_t i = 0; i < state.size(); ++i) {
    at::Tensor live = state[i].detach().clone();
    state[i].detach().copy_(average_[i]);
    average_[i] = live;
  }
}

void WeightAverage::load(const std::vector<at::Tensor>& tensors, int64_t steps) {
  if (tensors.size() != average_.size())
    throw FormatError("checkpoint", "weight average has " + std::to_string(tensors.size()) +
                                        " tensors, the network " +
                                        std::to_string(average_.size()));
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < tensors.size(); ++i) average_[i].copy_(tensors[i]);
  steps_ = steps;
}

}  // namespace medcnn
