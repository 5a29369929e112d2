// `medcnn info`: what this build can do (versions, devices, formats, transforms).
#include <torch/torch.h>

#include <iostream>

#include "medcnn/command.h"
#include "medcnn/core/runtime.h"
#include "medcnn/transforms/transform.h"

namespace {
void setup(CLI::App& app, medcnn::cli::GlobalOptions& globals) {
  auto* cmd = app.add_subcommand("info", "Print build facts: torch version, CUDA, threads, transforms");
  cmd->callback([&globals] {
    std::cout << "torch " << TORCH_VERSION << "\n";
    std::cout << "cuda available: " << (torch::cuda::is_available() ? "yes" : "no") << "\n";
    std::cout << "threads: " << medcnn::threads() << "\n";
    std::cout << "device: " << medcnn::parse_device(globals.device).str() << "\n";
    std::cout << "transforms:";
    for (const auto& n : medcnn::TransformRegistry::instance().names()) std::cout << " " << n;
    std::cout << "\n";
  });
}
}  // namespace
MEDCNN_COMMAND(info, setup);
