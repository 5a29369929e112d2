// `medcnn predict --model RUN --data SOURCE --out predictions.csv`: per-class
// probabilities, one row per case, from a trained model or fold ensemble.
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/model_data.h"
#include "medcnn/detection_run.h"
#include "medcnn/localization_run.h"
#include "medcnn/config/config.h"
#include "medcnn/core/error.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/infer/predictor.h"
#include "medcnn/train/experiment.h"

namespace medcnn::cli {

// Shared by predict and evaluate: options selecting a model and data.
void add_model_data_options(CLI::App* cmd, ModelDataArgs& a) {
  cmd->add_option("--model", a.model, "run folder (best.pt or ensemble.json) or a checkpoint");
  cmd->add_option("--data", a.data, "data set: CSV, dataset.json, .npz, class folder, ...");
  cmd->add_option("--split", a.splits, "split(s) of the data set (e.g. val; train,val)")
      ->delimiter(',');
  cmd->add_option("--batch-size", a.batch_size, "cases per batch")->check(CLI::PositiveNumber);
  cmd->add_flag("--no-optimize", a.no_optimize, "run the eager network (no traced, frozen model)");
  cmd->add_option("--mc-samples", a.mc_samples,
                  "uncertainty: N Monte-Carlo dropout passes per case (mean, entropy, mutual "
                  "information, variance)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--drop-weights", a.drop_weights,
                  "uncertainty: each Monte-Carlo pass also drops this share of every weight "
                  "(MC DropConnect)")
      ->check(CLI::Range(0.0, 0.95));
  cmd->add_flag("--tta", a.tta,
                "uncertainty: test-time augmentation by flips along each axis (segmentation: "
                "every combination of flips), each flipped back and counted as a sample; a "
                "classifier trained with evaluate.tta_flips flips as its recipe did, without "
                "this flag");
  cmd->add_option("--tta-axes", a.tta_axes,
                  "classification: test-time flips along these spatial axes only (0 = first; "
                  "e.g. 1 = left-right of a 2-D image); implies --tta")
      ->delimiter(',');
  cmd->add_option("--int8", a.int8,
                  "classification, CPU: run int8-quantized models (post-training static "
                  "quantization), calibrated on this data set: cases like the training data, "
                  "never the cases being scored; faster, but probabilities move by about 1e-2 "
                  "(docs/benchmarks.md)");
  cmd->add_option("--int8-split", a.int8_splits, "split(s) of the --int8 data set (e.g. train)")
      ->delimiter(',');
  cmd->add_option("--int8-cases", a.int8_cases,
                  "calibrate on at most this many --int8 cases (default 256)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--postprocess", a.postprocess,
                  "segmentation: a TOML file whose [[postprocess]] list (e.g. MRFSmooth, "
                  "KeepLargestConnectedComponent) replaces the one stored with the model; "
                  "postprocess = [] turns it off")
      ->check(CLI::ExistingFile);
}

Predictions run_model(const ModelDataArgs& a, const GlobalOptions& g,
                      std::vector<std::string>& classes, DecisionRule& rule) {
  if (a.model.empty()) throw ConfigError("--model", "a model is needed");
  if (a.data.empty()) throw ConfigError("--data", "a data set is needed");
  nlohmann::json meta;
  auto models = load_models(a.model, g.device, &meta);
  classes = meta.value("classes", std::vector<std::string>{});
  rule = rule_from_meta(meta);
  DatasetPtr ds = open_data(a.data, a.splits);
  auto ds_classes = ds->class_names();
  if (!ds_classes.empty() && ds_classes != classes)
    throw DataError(a.data, "its classes differ from the model's");
  PredictorOptions po;
  po.batch_size = a.batch_size;
  po.optimize = !a.no_optimize;
  po.device = g.device;
  po.mc_samples = a.mc_samples;
  po.drop_weights = a.drop_weights;
  // The recipe's test-time flips (evaluate.tta_flips, the cross-validated
  // numbers include them) unless the command names its own.
  const nlohmann::json recipe =
      meta.value("config", nlohmann::json::object()).value("evaluate", nlohmann::json::object());
  const bool recipe_tta = recipe.value("tta_flips", false);
  po.tta_flips = a.tta || recipe_tta || !a.tta_axes.empty();
  po.tta_axes = !a.tta_axes.empty() ? a.tta_axes
                : recipe_tta        ? recipe.value("tta_axes", std::vector<int64_t>{})
                                    : std::vector<int64_t>{};
  if (!a.int8.empty()) {
    po.int8_calibration = open_data(a.int8, a.int8_splits);
    po.int8_calibration_cases = a.int8_cases;
  }
  return predict_probabilities(models, make_transforms(meta.value("preprocess", nlohmann::json::array())), ds, po);
}

namespace {
// Options that only a classifier's predictions take.
void refuse_classification_options(const ModelDataArgs& a) {
  if (!a.int8.empty())
    throw ConfigError("--int8", "int8 models are available for classification only");
  if (!a.tta_axes.empty())
    throw ConfigError("--tta-axes", "for classification only (--tta on segmentation and box "
                                    "models flips along every axis)");
}
}  // namespace

BoxSampling box_sampling(const ModelDataArgs& a) {
  refuse_classification_options(a);
  BoxSampling b;
  b.mc_samples = a.mc_samples;
  b.drop_weights = a.drop_weights;
  b.tta_flips = a.tta;
  b.optimize = !a.no_optimize;
  return b;
}

Segmenter model_segmenter(std::vector<NetworkPtr> models, const nlohmann::json& meta,
                          const ModelDataArgs& a, const GlobalOptions& g, SegmenterOptions so) {
  refuse_classification_options(a);
  so.window = SlidingWindowOptions::from_json(meta.value("inferer", nlohmann::json::object()),
                                              "inferer");
  so.postprocess = meta.value("postprocess", nlohmann::json::array());
  if (!a.postprocess.empty()) {
    const nlohmann::json file = load_config(a.postprocess);
    if (!file.contains("postprocess"))
      throw ConfigError("--postprocess", a.postprocess + " has no [[postprocess]] list");
    so.postprocess = file["postprocess"];
    make_postprocess(so.postprocess, a.postprocess + ": postprocess");  // checked before any case runs
  }
  so.device = g.device;
  so.optimize = !a.no_optimize;
  so.mc_samples = a.mc_samples;
  so.drop_weights = a.drop_weights;
  so.tta_flips = a.tta;  // every combination of flips along every spatial axis, each a sample
  return Segmenter(std::move(models),
                   make_transforms(meta.value("preprocess", nlohmann::json::array())), so);
}

namespace {
struct PredictArgs {
  ModelDataArgs md;
  std::string out;
  bool no_probabilities = false;
  bool uncertainty_maps = false;
  double score_threshold = 0.3;
  std::string draw;
};

// A segmentation model: label and probability maps per case under out_dir.
void segment(const PredictArgs& a, const GlobalOptions& g, std::vector<NetworkPtr> models,
             const nlohmann::json& meta) {
  const std::string out = a.out.empty() ? "predictions" : a.out;
  DatasetPtr ds = open_data(a.md.data, a.md.splits);
  SegmenterOptions so;
  so.write_probabilities = !a.no_probabilities;
  so.write_uncertainty = a.uncertainty_maps;
  Segmenter seg = model_segmenter(std::move(models), meta, a.md, g, so);
  auto files = seg.predict(ds, out);
  std::cout << ds->size() << " cases segmented: " << files.size() << " maps written to " << out
            << "\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<PredictArgs>();
  auto* cmd = app.add_subcommand(
      "predict", "Predict with a trained model (or fold ensemble): for a classifier a CSV\n"
                 "with id, label, predicted and p_<class> per case; for a segmentation model\n"
                 "<id>_seg (labels) and <id>_prob (probabilities) maps per case; for a\n"
                 "localization or detection model boxes as CSV and COCO JSON");
  add_model_data_options(cmd, args->md);
  cmd->add_option("--out", args->out,
                  "predictions CSV (default predictions.csv); for a segmentation model the "
                  "folder of label and probability maps (default predictions)");
  cmd->add_flag("--uncertainty-maps", args->uncertainty_maps,
                "segmentation: also write <id>_entropy maps and, with several samples (MC "
                "passes, --tta, a fold ensemble), <id>_mi and <id>_variance");
  cmd->add_flag("--no-probabilities", args->no_probabilities,
                "segmentation: write the label maps only");
  cmd->add_option("--score-threshold", args->score_threshold,
                  "detection: keep the boxes with at least this score (default 0.3)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--draw", args->draw,
                  "detection: also draw each case's boxes with class and score, as "
                  "<id>_boxes.png in this folder");
  cmd->callback([args, &globals] {
    if (args->md.model.empty()) throw ConfigError("--model", "a model is needed");
    if (args->md.data.empty()) throw ConfigError("--data", "a data set is needed");
    nlohmann::json meta;
    auto models = load_models(args->md.model, globals.device, &meta);
    const std::string task = meta.value("task", std::string("classification"));
    if (task == "segmentation") return segment(*args, globals, std::move(models), meta);
    if (task == "localization") {
      if (args->out.empty()) args->out = "boxes.csv";
      DatasetPtr ds = open_data(args->md.data, args->md.splits);
      auto cases = run_localization(models, meta, ds, globals.device, box_sampling(args->md));
      write_localizations(cases, meta.value("classes", std::vector<std::string>{}), args->out);
      std::cout << cases.size() << " boxes written to " << args->out << " (and COCO JSON beside it)\n";
      return;
    }
    if (task == "detection") {
      if (args->out.empty()) args->out = "boxes.csv";
      DatasetPtr ds = open_data(args->md.data, args->md.splits);
      auto cases = run_detection(models, meta, ds, globals.device, args->score_threshold,
                                 args->draw, args->score_threshold, box_sampling(args->md));
      write_detections(cases, meta.value("classes", std::vector<std::string>{}), args->out);
      size_t n = 0;
      for (const auto& c : cases) n += c.boxes.size();
      std::cout << n << " boxes in " << cases.size() << " images written to " << args->out
                << " (and COCO JSON beside it)"
                << (args->draw.empty() ? "" : "; pictures in " + args->draw) << "\n";
      return;
    }
    if (args->out.empty()) args->out = "predictions.csv";
    std::vector<std::string> classes;
    DecisionRule rule;
    Predictions p = run_model(args->md, globals, classes, rule);
    write_predictions_csv(args->out, p, classes, decide(p, rule));
    std::cout << p.ids.size() << " predictions written to " << args->out << "\n";
  });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(predict, medcnn::cli::setup);
