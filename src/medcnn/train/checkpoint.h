// Checkpoints: a network's weights, its spec and the run's metadata in one
// file (a TorchScript-format zip, written by torch::serialize), optionally
// with the optimiser state and torch's RNG state for an exact --resume.
//
// Contract
//  - save_checkpoint writes to a temporary file in the same folder and
//    renames it, so a killed run never leaves a half-written checkpoint.
//  - meta is a JSON object; save_checkpoint adds "format" and "version" and
//    the network's spec under "network" (so load_network can rebuild it).
//    The trainer also stores "classes", "epoch", "task", "config",
//    "preprocess" (the evaluation transforms), "history" and early-stopping
//    and schedule state there.
//  - read_checkpoint_meta / load_network throw IoError for a missing file,
//    FormatError naming the file for a corrupt one or one that is not a
//    medcnn checkpoint.
#pragma once
#include <c10/core/Device.h>
#include <torch/optim/optimizer.h>

#include <nlohmann/json.hpp>

#include <string>

#include "medcnn/nn/network.h"
#include "medcnn/train/weight_average.h"

namespace medcnn {

struct CheckpointParts {
  torch::optim::Optimizer* optimizer = nullptr;  // saved/restored when set
  bool rng = false;                              // torch's CPU generator state
  WeightAverage* average = nullptr;              // the weights' moving average
};

void save_checkpoint(const std::string& path, Network& net, nlohmann::json meta,
                     CheckpointParts parts = {});
nlohmann::json read_checkpoint_meta(const std::string& path);
// Rebuilds the network from the checkpoint's spec and loads its weights.
NetworkPtr load_network(const std::string& path, const c10::Device& device,
                        nlohmann::json* meta = nullptr);
// Loads the checkpoint's weights into an existing network of the same spec.
void load_weights(Network& net, const std::string& path);
// Restores what save_checkpoint stored with `parts` (weights are not touched).
void load_training_state(const std::string& path, CheckpointParts parts);

}  // namespace medcnn
