// Task: the one place that knows how a kind of problem (classification,
// segmentation, localization, detection) encodes its targets, which loss
// fits, how outputs are decoded and which metrics apply. The trainer and
// the predictor are task-agnostic and talk to a Task only.
//
// Contract
//  - loss(output, batch): scalar float32 loss of the network output for a
//    batch (on the output's device).
//  - Evaluation: reset(), then accumulate(output, batch) for every batch
//    (no gradients), then metrics() gives flat named values ("auc",
//    "accuracy", ...; higher is better for every one of them) and
//    evaluation() the full evaluation JSON (docs/metrics.md).
//  - deep_loss(outputs, batch): the training loss of forward_deep()'s
//    outputs (network.h); the default is loss(outputs[0], batch), a task
//    with deep supervision weighs in the auxiliary outputs.
//  - infer(net, images): the output used for validation and prediction on
//    whole inputs; the default is net.forward(images), segmentation tiles
//    large images with a sliding window.
//  - default_monitor(): the metric early stopping and "best" checkpoints
//    follow unless the config says otherwise.
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medcnn/data/loader.h"

namespace medcnn {

class Network;

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual at::Tensor loss(const at::Tensor& output, const Batch& batch) const = 0;
  virtual void reset() = 0;
  virtual void accumulate(const at::Tensor& output, const Batch& batch) = 0;
  virtual std::map<std::string, double> metrics() const = 0;
  virtual nlohmann::json evaluation() const = 0;
  virtual std::string default_monitor() const = 0;
  virtual at::Tensor deep_loss(const std::vector<at::Tensor>& outputs, const Batch& batch) const;
  virtual at::Tensor infer(Network& net, const at::Tensor& images) const;
};

using TaskPtr = std::shared_ptr<Task>;

}  // namespace medcnn
