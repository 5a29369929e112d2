// `medcnn train CONFIG [key=value ...]`: train (or cross-validate) a model
// from a TOML or JSON experiment config; see docs/config.md.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/config/config.h"
#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {

// A config file: TOML, or JSON (the resolved config.json a run writes).
nlohmann::json read_config_file(const std::string& path) {
  if (fs::path(path).extension() == ".json") {
    const std::string text = read_file(path);
    try {
      return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
      throw ConfigError(path, std::string("not valid JSON: ") + e.what());
    }
  }
  return load_config(path);
}

namespace {
struct TrainArgs {
  std::string config, out;
  std::vector<std::string> overrides;
  bool resume = false, quiet = false;
};

void run(const TrainArgs& a, const GlobalOptions& g) {
  nlohmann::json config = read_config_file(a.config);
  apply_overrides(config, a.overrides);
  if (g.seed != 0) config["seed"] = g.seed;
  ExperimentOptions o;
  o.out_dir = a.out.empty() ? "runs/" + fs::path(a.config).stem().string() : a.out;
  o.config_dir = fs::absolute(a.config).parent_path().string();
  o.resume = a.resume;
  o.device = g.device;
  o.show_progress = !a.quiet;
  nlohmann::json summary = run_experiment(config, o);
  std::cout << summary.dump(2) << "\n";
  std::cout << "trained: model, history and evaluation in " << o.out_dir << "\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand(
      "train", "Train a network from an experiment config (TOML or a run's config.json);\n"
               "with [cv] folds it runs stratified k-fold cross-validation");
  cmd->add_option("config", args->config, "experiment config (.toml or .json)")
      ->required()->check(CLI::ExistingFile);
  cmd->add_option("overrides", args->overrides, "config overrides key=value (train.epochs=5 ...)");
  cmd->add_option("--out", args->out, "output folder (default runs/<config name>)");
  cmd->add_flag("--resume", args->resume, "continue unfinished runs from their last.pt");
  cmd->add_flag("--quiet", args->quiet, "no progress bars");
  cmd->callback([args, &globals] { run(*args, globals); });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(train, medcnn::cli::setup);
