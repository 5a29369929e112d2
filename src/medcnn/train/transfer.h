// Transfer learning: start a network from another model's weights, freeze
// and unfreeze layers by name.
//
// Contract
//  - transfer_weights(net, path): path is a medcnn checkpoint or a
//    TorchScript file (torch.jit.save / torch::jit::save). Every parameter
//    and buffer of `net` whose dotted name and shape match one in the source
//    is copied; with skip_head, names under net.head_prefix() are left as
//    initialised (a new head). Returns what was copied and what was not;
//    ConfigError naming the file when nothing matched (wrong model), IoError
//    for a missing file, FormatError for an unreadable one.
//    "Twice transfer" is two runs chained: the second run's `init_from` is
//    the first run's checkpoint, which itself started from another model.
//  - set_trainable(net, patterns, trainable): sets requires_grad of every
//    parameter whose name starts with one of the patterns ("stem",
//    "layer1.", ...); the pattern "*" means all. Returns the number changed;
//    ConfigError for a pattern matching no parameter.
#pragma once
#include <string>
#include <vector>

#include "medcnn/nn/network.h"

namespace medcnn {

struct TransferReport {
  std::vector<std::string> copied, shape_mismatch, not_in_source, kept_head;
};

TransferReport transfer_weights(Network& net, const std::string& path, bool skip_head);
int64_t set_trainable(Network& net, const std::vector<std::string>& patterns, bool trainable);

}  // namespace medcnn
