// `medcnn evaluate`: metrics JSON and a self-contained HTML report, from a
// model run on labelled data or from a predictions CSV.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/model_data.h"
#include "medcnn/core/error.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_report.h"
#include "medcnn/tasks/classification.h"

namespace fs = std::filesystem;

namespace medcnn::cli {

namespace {
struct EvaluateArgs {
  ModelDataArgs md;
  std::string predictions, out = "evaluation", history;
  double threshold = -1;
  int bootstrap = 1000;
};

void run(const EvaluateArgs& a, const GlobalOptions& g) {
  std::vector<std::string> classes;
  DecisionRule rule;
  Predictions p;
  if (!a.predictions.empty()) {
    p = read_predictions_csv(a.predictions, &classes);
  } else {
    p = run_model(a.md, g, classes, rule);
  }
  if (a.threshold >= 0) {
    if (classes.size() != 2) throw ConfigError("--threshold", "thresholds two classes only");
    rule = DecisionRule::fixed(a.threshold);
  }
  for (size_t i = 0; i < p.ids.size(); ++i)
    if (p.labels[i] < 0) throw DataError(p.ids[i], "case has no label: cannot evaluate");
  ClassificationOptions o;
  o.class_names = classes;
  o.rule = rule;
  o.bootstrap = a.bootstrap;
  o.seed = g.seed;
  nlohmann::json e = evaluate_classification(p.labels, p.probabilities, o);
  fs::create_directories(a.out);
  write_file_atomically(a.out + "/evaluation.json", e.dump(2) + "\n");
  if (a.predictions.empty())
    write_predictions_csv(a.out + "/predictions.csv", p, classes, decide(p, rule));
  std::string history = a.history;
  if (history.empty() && !a.md.model.empty()) {
    for (const auto& c : {a.md.model + "/history.csv", a.md.model + "/fold1/history.csv"})
      if (fs::exists(c)) {
        history = c;
        break;
      }
  }
  HtmlReportOptions ro;
  ro.title = "medcnn evaluation";
  if (!a.md.model.empty()) ro.description.push_back({"model", a.md.model});
  if (!a.md.data.empty()) ro.description.push_back({"data", a.md.data});
  if (!a.predictions.empty()) ro.description.push_back({"predictions", a.predictions});
  ro.description.push_back({"cases", std::to_string(p.ids.size())});
  write_classification_report(a.out + "/report.html", e,
                              history.empty() ? std::vector<TrainingRecord>{}
                                              : read_training_history(history),
                              ro);
  nlohmann::json brief;
  for (const auto& [k, v] : e["metrics"].items()) brief[k] = v.is_object() ? v["value"] : v;
  std::cout << brief.dump(2) << "\n"
            << "evaluation written to " << a.out << "/evaluation.json and " << a.out
            << "/report.html\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* cmd = app.add_subcommand(
      "evaluate", "Score a model on labelled data (or a predictions CSV): metrics with 95% CIs\n"
                  "in evaluation.json and a self-contained HTML report (ROC, PR, confusion\n"
                  "matrix, training curves)");
  add_model_data_options(cmd, args->md);
  cmd->add_option("--predictions", args->predictions, "score this predictions CSV instead");
  cmd->add_option("--out", args->out, "output folder (default evaluation)");
  cmd->add_option("--history", args->history, "training history.csv to plot (default: the run's)");
  cmd->add_option("--threshold", args->threshold,
                  "decision threshold on p(class 1) (default: the one chosen in training)");
  cmd->add_option("--bootstrap", args->bootstrap, "bootstrap resamples for 95% CIs (0 = none)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([args, &globals] { run(*args, globals); });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(evaluate, medcnn::cli::setup);
