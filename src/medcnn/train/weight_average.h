// WeightAverage: an exponential moving average of a network's weights during
// training (Polyak averaging; timm's ModelEma), the weights that are
// validated, kept as best.pt and predicted with when train.ema_decay > 0.
//
// Contract
//  - Tracks every floating-point parameter and buffer of the network (batch
//    norm running statistics included); integer buffers (batch norm's
//    num_batches_tracked) are copied as they are.
//  - update(net) after optimiser step t (t = 1, 2, ...) sets
//        avg <- d_t avg + (1 - d_t) w,   d_t = min(decay, (1 + t) / (10 + t)),
//    so the first steps, where the average would still be mostly the random
//    initialisation, follow the weights closely (timm's warm-up). The first
//    update starts from the network's weights at construction.
//  - swap(net) exchanges the network's weights with the average (call it
//    twice to get back); used to validate and save the averaged weights.
//  - state() / load_state() round-trip the average and its step count, so
//    --resume continues exactly.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "medcnn/nn/network.h"

namespace medcnn {

class WeightAverage {
 public:
  WeightAverage(Network& net, double decay);
  void update(Network& net);
  void swap(Network& net);
  int64_t steps() const { return steps_; }
  double decay() const { return decay_; }
  // The averaged tensors in the network's parameter-then-buffer order.
  const std::vector<at::Tensor>& tensors() const { return average_; }
  void load(const std::vector<at::Tensor>& tensors, int64_t steps);

 private:
  double decay_;
  int64_t steps_ = 0;
  std::vector<at::Tensor> average_;
};

}  // namespace medcnn
