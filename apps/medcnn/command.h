// A subcommand of the medcnn program: one file per subcommand in apps/medcnn/,
// each registering itself with MEDCNN_COMMAND(name, setup).
//
// setup(app, globals) adds the subcommand to the CLI11 app and sets its
// callback. Callbacks throw medcnn::Error for user errors; main() prints the
// one-line message and exits with the error's code.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace medcnn::cli {

struct GlobalOptions {
  int threads = 0;  // 0 = all cores
  uint64_t seed = 0;
  std::string device = "cpu";
  std::string log_level = "info";
};

using CommandSetup = std::function<void(CLI::App& app, GlobalOptions& globals)>;

struct CommandEntry {
  std::string name;
  CommandSetup setup;
};

std::vector<CommandEntry>& command_table();

struct CommandRegistrar {
  CommandRegistrar(const std::string& name, CommandSetup setup) {
    command_table().push_back({name, std::move(setup)});
  }
};

#define MEDCNN_COMMAND(name, setup_fn) \
  static ::medcnn::cli::CommandRegistrar medcnn_command_##name(#name, setup_fn)

}  // namespace medcnn::cli
