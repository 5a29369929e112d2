#include "medcnn/train/transfer.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <filesystem>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

// name -> tensor for every parameter and buffer of the source model.
std::map<std::string, at::Tensor> source_tensors(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw IoError(path, "model to transfer from not found");
  torch::jit::Module module;
  try {
    module = torch::jit::load(path, torch::kCPU);
  } catch (const c10::Error&) {
    throw FormatError(path, "not a TorchScript file or medcnn checkpoint");
  }
  std::map<std::string, at::Tensor> out;
  // A medcnn checkpoint keeps the weights under the "model" submodule.
  bool medcnn = false;
  for (const auto& child : module.named_children())
    if (child.name == "model") medcnn = true;
  torch::jit::Module root = medcnn ? module.attr("model").toModule() : module;
  for (const auto& p : root.named_parameters(true)) out[p.name] = p.value;
  for (const auto& b : root.named_buffers(true)) out[b.name] = b.value;
  return out;
}

}  // namespace

TransferReport transfer_weights(Network& net, const std::string& path, bool skip_head) {
  auto source = source_tensors(path);
  TransferReport report;
  const std::string head = net.head_prefix();
  torch::NoGradGuard no_grad;
  auto copy = [&](const std::string& name, at::Tensor& target) {
    if (skip_head && (name == head || starts_with(name, head + "."))) {
      report.kept_head.push_back(name);
      return;
    }
    auto it = source.find(name);
    if (it == source.end()) {
      report.not_in_source.push_back(name);
    } else if (it->second.sizes() != target.sizes()) {
      report.shape_mismatch.push_back(name);
    } else {
      target.copy_(it->second.to(target.device(), target.scalar_type()));
      report.copied.push_back(name);
    }
  };
  for (auto& p : net.named_parameters(true)) copy(p.key(), p.value());
  for (auto& b : net.named_buffers(true)) copy(b.key(), b.value());
  if (report.copied.empty())
    throw ConfigError(path, "no weight of this model fits network '" + net.spec().name +
                                "' (names or shapes differ)");
  return report;
}

int64_t set_trainable(Network& net, const std::vector<std::string>& patterns, bool trainable) {
  int64_t changed = 0;
  for (const auto& pattern : patterns) {
    int64_t matched = 0;
    for (auto& p : net.named_parameters(true)) {
      if (pattern != "*" && !starts_with(p.key(), pattern)) continue;
      ++matched;
      if (p.value().requires_grad() != trainable) ++changed;
      p.value().set_requires_grad(trainable);
    }
    if (matched == 0)
      throw ConfigError("train.freeze", "pattern '" + pattern + "' matches no parameter of '" +
                                            net.spec().name + "'");
  }
  return changed;
}

}  // namespace medcnn
