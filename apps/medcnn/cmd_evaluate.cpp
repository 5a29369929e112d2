// `medcnn evaluate`: metrics JSON and a self-contained HTML report, from a
// model run on labelled data or from a predictions CSV.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/model_data.h"
#include "medcnn/data/box_classes_dataset.h"
#include "medcnn/detection_run.h"
#include "medcnn/localization_run.h"
#include "medcnn/data/single_object_dataset.h"
#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/io/image_io.h"
#include "medcnn/segmentation_scoring.h"
#include "medcnn/train/experiment.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_report.h"
#include "medcnn/tasks/classification.h"
#include "medcnn/metrics/calibration.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/explain/explainer.h"
#include "medcnn/report/html_page.h"
#include "medcnn/report/overlay.h"
#include "medcnn/report/svg.h"
#include "medcnn/metrics/uncertainty_evaluation.h"

namespace fs = std::filesystem;

namespace medcnn::cli {

namespace {
struct EvaluateArgs {
  ModelDataArgs md;
  std::string predictions, out = "evaluation", history, temperature_from;
  double threshold = -1;
  int bootstrap = 1000;
  int explain_errors = 3;
  bool binarize = false;
  int64_t num_classes = 2;
  std::vector<std::string> classes;
};

// The map of case `id` in a predictions folder: <id>_<suffix>.<ext> or, for
// labels, <id>.<ext>; "" when there is none.
std::string find_map(const std::string& dir, const std::string& id, const std::string& suffix,
                     bool bare_allowed) {
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::string name = e.path().filename().string();
    std::string stem = name.substr(0, name.find('.'));
    if (stem == id + "_" + suffix || (bare_allowed && stem == id)) return e.path().string();
  }
  return "";
}

at::Tensor spatial_labels(const Image& m) { return m.data[0].to(torch::kLong); }

// Maps written by medcnn lie on the reference's pixel grid; PNG keeps no
// spacing, so only the shapes are compared.
void check_same_shape(const Image& reference, const Image& map, const std::string& path) {
  if (reference.spatial_shape() != map.spatial_shape())
    throw GeometryError(path, "map is " + map.summary() + " but the reference mask is " +
                                  reference.summary());
}

// Segmentation: a folder of label maps (<id>_seg.*, as `medcnn predict`
// writes them, or <id>.*) against the masks of a data set.
void run_segmentation_folder(const EvaluateArgs& a) {
  if (a.md.data.empty())
    throw ConfigError("--data", "the reference masks are needed (a CSV manifest with mask "
                                "[and roi] columns, a dataset.json, ...)");
  DatasetPtr ds = open_data(a.md.data, a.md.splits);
  std::vector<SegmentationCase> cases;
  for (size_t i = 0; i < ds->size(); ++i) {
    Sample s = ds->get(i);
    if (!s.mask) throw DataError(s.id, "case has no reference mask: cannot evaluate");
    const std::string label_path = find_map(a.predictions, s.id, "seg", true);
    if (label_path.empty())
      throw IoError(a.predictions, "no label map for case '" + s.id + "' (expected " + s.id +
                                       "_seg.* or " + s.id + ".*)");
    Image pred = read_image(label_path);
    check_same_shape(*s.mask, pred, label_path);
    SegmentationCase c;
    c.id = s.id;
    c.image = s.image;
    c.reference = spatial_labels(*s.mask);
    c.prediction = spatial_labels(pred);
    if (a.binarize) {
      c.reference = c.reference.gt(0).to(torch::kLong).masked_fill(c.reference.eq(kIgnoreLabel),
                                                                   kIgnoreLabel);
      c.prediction = c.prediction.gt(0).to(torch::kLong);
    }
    const std::string prob_path = find_map(a.predictions, s.id, "prob", false);
    if (!prob_path.empty()) {
      Image prob = read_image(prob_path);
      check_same_shape(*s.mask, prob, prob_path);
      if (prob.channels() == 1) c.probability = prob.data[0].to(torch::kFloat);
    }
    cases.push_back(std::move(c));
  }
  SegmentationReportOptions ro;
  ro.title = "medcnn segmentation evaluation";
  ro.description = {{"predictions", a.predictions}, {"reference", a.md.data},
                    {"cases", std::to_string(cases.size())}};
  nlohmann::json e = score_segmentations(cases, a.binarize ? 2 : a.num_classes, a.classes, a.out, ro);
  std::cout << e["summary"].dump(2) << "\nevaluation written to " << a.out
            << "/evaluation.json, cases.csv and report.html\n";
}

// Segmentation with a model: whole images through the sliding window, the
// references after the model's own preprocessing (so mapped labels match).
void run_segmentation_model(const EvaluateArgs& a, const GlobalOptions& g,
                            std::vector<NetworkPtr> models, const nlohmann::json& meta) {
  if (a.md.data.empty()) throw ConfigError("--data", "a data set is needed");
  DatasetPtr ds = open_data(a.md.data, a.md.splits);
  SegmenterOptions so;
  so.input_grid = false;  // the maps stay on the grid of the preprocessed reference
  Segmenter seg = model_segmenter(std::move(models), meta, a.md, g, so);
  std::vector<std::string> classes = meta.value("classes", std::vector<std::string>{});
  std::vector<SegmentationCase> cases;
  for (size_t i = 0; i < ds->size(); ++i) {
    Sample pre;
    SegmentationResult r = seg.segment(ds->get(i), &pre);
    if (!pre.mask) throw DataError(pre.id, "case has no reference mask: cannot evaluate");
    SegmentationCase c;
    c.id = pre.id;
    c.image = pre.image;
    c.reference = spatial_labels(*pre.mask);
    c.prediction = spatial_labels(r.labels);
    if (r.probabilities.channels() == 2) c.probability = r.probabilities.data[1];
    cases.push_back(std::move(c));
  }
  SegmentationReportOptions ro;
  ro.title = "medcnn segmentation evaluation";
  ro.description = {{"model", a.md.model}, {"data", a.md.data},
                    {"cases", std::to_string(cases.size())}};
  nlohmann::json e = score_segmentations(cases, (int64_t)std::max<size_t>(2, classes.size()),
                                         classes, a.out, ro);
  std::cout << e["summary"].dump(2) << "\nevaluation written to " << a.out
            << "/evaluation.json, cases.csv and report.html\n";
}

// Temperature scaling fitted on a validation predictions CSV (logits taken as
// log-probabilities), and what it does to these predictions' calibration.
nlohmann::json temperature_scaling(const std::string& val_csv, const Predictions& p,
                                   const std::vector<std::string>& classes) {
  std::vector<std::string> val_classes;
  Predictions v = read_predictions_csv(val_csv, &val_classes);
  if (val_classes != classes) throw DataError(val_csv, "its classes differ from the evaluated ones");
  auto logs = [](const Probabilities& probs) {
    Probabilities out = probs;
    for (auto& row : out)
      for (auto& x : row) x = std::log(std::max(x, 1e-12));
    return out;
  };
  Labels vy;
  Probabilities vp;
  for (size_t i = 0; i < v.ids.size(); ++i)
    if (v.labels[i] >= 0) vy.push_back(v.labels[i]), vp.push_back(v.probabilities[i]);
  if (vy.empty()) throw DataError(val_csv, "no labelled case to fit a temperature on");
  const double t = fit_temperature(logs(vp), vy);
  const Probabilities scaled = apply_temperature(logs(p.probabilities), t);
  return {{"value", t}, {"fitted_on", val_csv},
          {"ece_before", top_label_calibration(p.labels, p.probabilities).ece},
          {"ece_after", top_label_calibration(p.labels, scaled).ece},
          {"nll_before", negative_log_likelihood(p.probabilities, p.labels)},
          {"nll_after", negative_log_likelihood(scaled, p.labels)}};
}

// The report's "Confident errors" section: Grad-CAM overlays of the n wrong
// predictions the model was surest of (rows follow the data set's order).
std::string explained_errors(const EvaluateArgs& a, const GlobalOptions& g, const Predictions& p,
                             const std::vector<int64_t>& decided,
                             const std::vector<std::string>& classes) {
  std::vector<std::pair<double, size_t>> errors;
  for (size_t i = 0; i < p.ids.size(); ++i)
    if (decided[i] != p.labels[i]) errors.push_back({-p.probabilities[i][decided[i]], i});
  if (errors.empty() || a.explain_errors <= 0) return "";
  std::stable_sort(errors.begin(), errors.end());
  errors.resize(std::min(errors.size(), size_t(a.explain_errors)));
  nlohmann::json meta;
  auto models = load_models(a.md.model, g.device, &meta);
  Compose preprocess = make_transforms(meta.value("preprocess", nlohmann::json::array()));
  DatasetPtr ds = open_data(a.md.data, a.md.splits);
  ExplainerPtr gradcam = make_explainer("gradcam");
  std::ostringstream o;
  o << "<section id=\"errors\">\n<h2>Confident errors, explained</h2>\n<div class=\"figures\">\n";
  for (const auto& [neg_conf, i] : errors) {
    Sample s = ds->get(i);
    Rng rng(0);
    preprocess.apply(s, rng);
    if (s.image.dims() < 2) return "";  // signals: no picture to show
    at::Tensor x = s.image.data.to(torch::kFloat).unsqueeze(0).to(parse_device(g.device));
    ExplainTarget t;
    t.class_index = decided[i];
    Explanation e = explain_ensemble(*gradcam, models, x, t);
    const int64_t zoom = std::max<int64_t>(1, 192 / std::max<int64_t>(1, x.size(-1)));
    const std::string caption = p.ids[i] + ": true " + classes[p.labels[i]] + ", predicted " +
                                classes[decided[i]] + " (p = " + format_number(-neg_conf, 3) + ")";
    o << "<figure><img class=\"overlay\" alt=\"" << escape_xml(caption) << "\" src=\""
      << png_data_uri(heatmap_overlay(s.image, e.map, zoom)) << "\"><figcaption>"
      << escape_xml(caption) << "</figcaption></figure>\n";
  }
  o << "</div>\n<p class=\"note\">Grad-CAM at the last feature map for the predicted class: "
    << "where the network looked when it was wrong and sure (medcnn explain).</p>\n</section>\n";
  return o.str();
}

void run(const EvaluateArgs& a, const GlobalOptions& g) {
  if (!a.predictions.empty() && fs::is_directory(a.predictions)) return run_segmentation_folder(a);
  if (a.predictions.empty() && !a.md.model.empty()) {
    nlohmann::json meta;
    auto models = load_models(a.md.model, g.device, &meta);
    const std::string task = meta.value("task", std::string("classification"));
    if (task == "segmentation") return run_segmentation_model(a, g, std::move(models), meta);
    if (task == "localization") {
      if (a.md.data.empty()) throw ConfigError("--data", "a data set is needed");
      const auto classes = meta.value("classes", std::vector<std::string>{});
      DatasetPtr ds = std::make_shared<SingleObjectDataset>(open_data(a.md.data, a.md.splits), classes);
      nlohmann::json e = evaluate_localizations(
          run_localization(models, meta, ds, g.device, box_sampling(a.md)), classes, a.out);
      std::cout << e["metrics"].dump(2) << "\nevaluation written to " << a.out
                << "/evaluation.json and cases.csv\n";
      return;
    }
    if (task == "detection") {
      if (a.md.data.empty()) throw ConfigError("--data", "a data set is needed");
      const auto classes = meta.value("classes", std::vector<std::string>{});
      DatasetPtr ds = std::make_shared<BoxClassesDataset>(open_data(a.md.data, a.md.splits), classes);
      nlohmann::json e = evaluate_detection_run(models, meta, ds, g.device, a.out, a.md.model, 6,
                                                box_sampling(a.md));
      std::cout << e["metrics"].dump(2) << "\nevaluation written to " << a.out
                << "/evaluation.json, cases.csv and report.html\n";
      return;
    }
  }
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
  e["uncertainty"] = evaluate_uncertainty(p.labels, p.probabilities, decide(p, rule), p.uncertainty);
  std::string val = a.temperature_from;
  if (val.empty() && !a.md.model.empty() && fs::exists(a.md.model + "/val_predictions.csv"))
    val = a.md.model + "/val_predictions.csv";
  if (!val.empty()) e["uncertainty"]["temperature"] = temperature_scaling(val, p, classes);
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
  if (a.predictions.empty()) {
    const std::string errors = explained_errors(a, g, p, decide(p, rule), classes);
    if (!errors.empty()) ro.sections.push_back(errors);
  }
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
  cmd->add_option("--predictions", args->predictions,
                  "score this predictions CSV instead; or a folder of segmentation label maps "
                  "(<id>_seg.* / <id>.*, probabilities <id>_prob.*) against --data's masks");
  cmd->add_option("--explain-errors", args->explain_errors,
                  "with --model: Grad-CAM overlays of the N most confident errors in the report "
                  "(default 3; 0: none)");
  cmd->add_option("--temperature-from", args->temperature_from,
                  "fit temperature scaling on this validation predictions CSV (default: the "
                  "model run's val_predictions.csv when there is one) and report its effect");
  cmd->add_flag("--binarize", args->binarize,
                "segmentation folders: foreground = label > 0 in reference and prediction");
  cmd->add_option("--num-classes", args->num_classes,
                  "segmentation folders: classes in the label maps (default 2)")
      ->check(CLI::Range(2, 255));
  cmd->add_option("--classes", args->classes, "segmentation: class names, background first")
      ->delimiter(',');
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
