// `medcnn info`: what this build can do (versions, devices, formats, transforms).
#include <torch/torch.h>

#include <iostream>

#include "medcnn/command.h"
#include "medcnn/core/runtime.h"
#include "medcnn/losses/loss.h"
#include "medcnn/metrics/registry.h"
#include "medcnn/nn/network.h"
#include "medcnn/train/precision.h"
#include "medcnn/transforms/transform.h"

namespace {
void setup(CLI::App& app, medcnn::cli::GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("info", "Print build facts: torch version, CUDA, threads, bf16, transforms, networks, losses, metrics");
  cmd->callback([&globals] {
    std::cout << "torch " << TORCH_VERSION << "\n";
    std::cout << "cuda available: " << (torch::cuda::is_available() ? "yes" : "no") << "\n";
    std::cout << "threads: " << medcnn::threads() << "\n";
    std::cout << "device: " << medcnn::parse_device(globals.device).str() << "\n";
    std::cout << "native bf16 (cpu): " << (medcnn::cpu_has_native_bf16() ? "yes" : "no") << "\n";
    std::cout << "transforms:";
    for (const auto& n : medcnn::TransformRegistry::instance().names()) std::cout << " " << n;
    std::cout << "\nnetworks:";
    for (const auto& n : medcnn::NetworkRegistry::instance().names()) std::cout << " " << n;
    std::cout << "\nlosses:";
    for (const auto& n : medcnn::LossRegistry::instance().names()) std::cout << " " << n;
    std::cout << "\nmetrics:";
    for (const auto& m : medcnn::classification_metrics()) std::cout << " " << m.name;
    std::cout << "\n";
  });
}
}  // namespace
MEDCNN_COMMAND(info, setup);
