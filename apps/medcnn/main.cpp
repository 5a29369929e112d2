// medcnn: train, evaluate, explain and run CNNs for medical images.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <iostream>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/runtime.h"

namespace medcnn::cli {
std::vector<CommandEntry>& command_table() {
  static std::vector<CommandEntry> table;
  return table;
}
}  // namespace medcnn::cli

int main(int argc, char** argv) {
  using namespace medcnn;
  // Logs go to stderr: stdout carries results (JSON, CSV) that may be piped.
  spdlog::set_default_logger(spdlog::stderr_color_mt("medcnn"));
  CLI::App app{"medcnn: convolutional neural networks for medical image classification, "
               "segmentation, localization and detection"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "medcnn 0.1.0");
  cli::GlobalOptions globals;
  app.add_option("--threads", globals.threads, "CPU threads for torch and loaders (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", globals.seed, "seed for every random choice (default 0)");
  app.add_option("--device", globals.device, "where tensors live: cpu, cuda or cuda:N (default cpu)");
  app.add_option("--log-level", globals.log_level, "trace, debug, info, warn, error or off");

  auto& table = cli::command_table();
  std::sort(table.begin(), table.end(),
            [](const cli::CommandEntry& a, const cli::CommandEntry& b) { return a.name < b.name; });
  for (auto& entry : table) entry.setup(app, globals);

  app.parse_complete_callback([&] {
    set_log_level(globals.log_level);
    set_threads(globals.threads);
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const Error& e) {
    std::cerr << "medcnn: error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "medcnn: internal error: " << e.what() << "\n";
    return 70;
  }
  return 0;
}
