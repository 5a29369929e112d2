// `medcnn demo`: the embedded default. Generates phantom data sets (nothing to
// download) and runs them through the pipeline end to end: files written and
// read back, ground truth checked, a classifier (benign vs malignant lesion)
// trained with a seeded split, then evaluated on unseen phantoms with a
// metrics JSON and an HTML report; then a U-Net segments the lesions
// (patch training, sliding-window prediction) and its maps are scored; a
// CenterNet detects every lesion (mAP, FROC).
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/box_classes_dataset.h"
#include "medcnn/data/phantom.h"
#include "medcnn/detection_run.h"
#include "medcnn/data/sources.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/infer/segmenter.h"
#include "medcnn/metrics/uncertainty_evaluation.h"
#include "medcnn/segmentation_scoring.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"
#include "medcnn/report/html_report.h"
#include "medcnn/tasks/classification.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace medcnn::cli {
void add_phantom_options(CLI::App* cmd, PhantomOptions& o);

namespace {
struct DemoArgs {
  std::string out = "demo-output";
  int count = 240;
  int volumes = 4;
  int epochs = 12;
  int seg_epochs = 8;
  int det_epochs = 12;
  PhantomOptions options;
};

// The demo's experiment: a narrow ResNet-18 (small-input stem) on 64x64
// phantoms, with the library's defaults otherwise (bf16 where native).
json demo_config(const std::string& manifest, int epochs) {
  json c = json::parse(R"({
    "task": "classification",
    "data": {"val_fraction": 0.2},
    "network": {"name": "resnet18", "stem": "small", "width": 16},
    "optimizer": {"name": "adamw", "lr": 0.003, "weight_decay": 0.01},
    "schedule": {"name": "cosine", "warmup_epochs": 1},
    "train": {"batch_size": 16, "workers": 2},
    "preprocess": [{"name": "NormalizeIntensity"}],
    "augment": [{"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]},
                {"name": "RandFlip", "prob": 0.5, "spatial_axis": [0]},
                {"name": "RandRotate90", "prob": 0.5}],
    "evaluate": {"threshold": "youden", "bootstrap": 200}
  })");
  c["data"]["source"] = manifest;
  c["train"]["epochs"] = epochs;
  return c;
}

// The demo's segmentation: a small U-Net on 48x48 patches (half lesion-
// centred), lesions of both kinds as one foreground class, validated on
// whole images through the sliding window.
json demo_segmentation_config(const std::string& manifest, int epochs) {
  json c = json::parse(R"({
    "task": "segmentation",
    "classes": ["background", "lesion"],
    "data": {"val_fraction": 0.2},
    "network": {"name": "unet", "depth": 3, "width": 8},
    "optimizer": {"name": "adam", "lr": 0.005},
    "schedule": {"name": "cosine", "warmup_epochs": 1},
    "train": {"batch_size": 16, "workers": 2},
    "inferer": {"roi_size": [64, 64], "overlap": 0.25},
    "preprocess": [{"name": "NormalizeIntensity"},
                   {"name": "MapLabelValue", "orig_labels": [0, 1, 2], "target_labels": [0, 1, 1]}],
    "augment": [{"name": "RandCropByPosNegLabel", "spatial_size": [48, 48], "pos": 1, "neg": 1},
                {"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]}]
  })");
  c["data"]["source"] = manifest;
  c["train"]["epochs"] = epochs;
  return c;
}

// Segments the test phantoms with the trained U-Net, writes the maps and
// scores them against the masks (lesions of both kinds = foreground).
json demo_segmentation(const DemoArgs& a, const GlobalOptions& g, const std::string& manifest,
                       const std::string& test_manifest) {
  auto t0 = std::chrono::steady_clock::now();
  ExperimentOptions eo;
  eo.out_dir = a.out + "/segmentation_model";
  eo.device = g.device;
  eo.show_progress = false;
  json config = demo_segmentation_config(manifest, a.seg_epochs);
  config["seed"] = g.seed;
  json trained = run_experiment(config, eo);
  const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json meta;
  auto models = load_models(eo.out_dir, g.device, &meta);
  SegmenterOptions so;
  so.window = SlidingWindowOptions::from_json(meta["inferer"], "inferer");
  so.device = g.device;
  so.show_progress = false;
  so.input_grid = false;  // scored against the preprocessed reference
  Segmenter seg(models, make_transforms(meta["preprocess"]), so);
  auto test = std::make_shared<CsvDataset>(test_manifest);
  std::vector<SegmentationCase> cases;
  for (size_t i = 0; i < test->size(); ++i) {
    Sample pre;
    SegmentationResult r = seg.segment(test->get(i), &pre);
    seg.write(r, a.out + "/segmentation_maps");
    SegmentationCase c;
    c.id = pre.id;
    c.image = pre.image;
    c.reference = pre.mask->data[0].to(torch::kLong);  // lesions mapped to 1 by the preprocessing
    c.prediction = r.labels.data[0].to(torch::kLong);
    c.probability = r.probabilities.data[1];
    cases.push_back(std::move(c));
  }
  SegmentationReportOptions ro;
  ro.title = "medcnn demo: phantom lesion segmentation";
  ro.description = {{"network", "unet (depth 3, width 8)"}, {"test", test_manifest},
                    {"model", eo.out_dir}};
  json e = score_segmentations(cases, 2, {"background", "lesion"}, a.out + "/segmentation", ro);
  const auto& lesion = e["summary"]["per_class"][0];
  return {{"model", eo.out_dir},
          {"seconds", train_s},
          {"validation", trained["val"]},
          {"test_cases", test->size()},
          {"test_dice_mean", lesion["dice"]["mean"]},
          {"test_hausdorff95_mm_mean", lesion["hausdorff95"]["mean"]},
          {"test_auc_pooled", e["auc"]},
          {"maps", a.out + "/segmentation_maps"},
          {"report", a.out + "/segmentation/report.html"}};
}

// The demo's detection: a small CenterNet finds every round lesion (0 to 3
// per 64x64 image); scored on new phantoms by mAP and FROC.
json demo_detection(const DemoArgs& a, const GlobalOptions& g) {
  PhantomOptions o = a.options;
  o.size = 64;
  o.min_lesions = 0;
  o.max_lesions = 3;
  o.min_radius = 3;
  o.max_radius = 5;
  o.contrast = std::max(o.contrast, 0.6);
  o.malignant_fraction = 0;  // one kind of lesion: every box is class "benign"
  const int n = std::max(40, a.count / 2), n_test = std::max(20, a.count / 4);
  const std::string train = write_phantom_dataset(a.out + "/phantoms_detection", n, o, g.seed + 2000);
  const std::string test =
      write_phantom_dataset(a.out + "/phantoms_detection_test", n_test, o, g.seed + 502000);
  json config = json::parse(R"({
    "task": "detection",
    "data": {"val_fraction": 0.2},
    "network": {"name": "centernet", "width": 16, "neck_width": 32},
    "optimizer": {"name": "adamw", "lr": 0.004},
    "schedule": {"name": "cosine", "warmup_epochs": 1},
    "train": {"batch_size": 8, "workers": 2, "repeats": 2},
    "preprocess": [{"name": "ScaleIntensity"}],
    "augment": [{"name": "RandFlip", "prob": 0.5, "spatial_axis": [0]},
                {"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]}]
  })");
  config["data"]["source"] = train;
  config["train"]["epochs"] = a.det_epochs;
  config["seed"] = g.seed;
  ExperimentOptions eo;
  eo.out_dir = a.out + "/detection_model";
  eo.device = g.device;
  eo.show_progress = false;
  auto t0 = std::chrono::steady_clock::now();
  json trained = run_experiment(config, eo);
  const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json meta;
  auto models = load_models(eo.out_dir, g.device, &meta);
  auto data = std::make_shared<BoxClassesDataset>(std::make_shared<CsvDataset>(test),
                                                  meta["classes"].get<std::vector<std::string>>());
  json e = evaluate_detection_run(models, meta, data, g.device, a.out + "/detection", eo.out_dir);
  return {{"model", eo.out_dir},
          {"seconds", train_s},
          {"validation", trained["val"]},
          {"test_cases", n_test},
          {"test_froc", e["metrics"]["froc"]},
          {"test_map50", e["metrics"]["map50"]},
          {"test_map50_95", e["metrics"]["map50_95"]},
          {"report", a.out + "/detection/report.html"}};
}

void run(const DemoArgs& a, const GlobalOptions& g) {
  fs::create_directories(a.out);
  json summary{{"seed", g.seed}, {"threads", threads()}};

  // 1. A 2-D phantom data set on disk, opened back as a CSV data set.
  std::cout << "[1/7] writing " << a.count << " 2-D phantoms to " << a.out << "/phantoms2d\n";
  std::string manifest = write_phantom_dataset(a.out + "/phantoms2d", a.count, a.options, g.seed);
  auto ds = std::make_shared<CsvDataset>(manifest);
  summary["dataset_2d"] = {{"manifest", manifest}, {"cases", ds->size()}};

  // 2. Ground truth checks on every case: boxes agree with the mask.
  std::cout << "[2/7] checking ground truth of every case\n";
  int64_t lesions = 0, box_mismatch = 0;
  double area[2] = {0, 0};
  int64_t n_class[2] = {0, 0};
  for (size_t i = 0; i < ds->size(); ++i) {
    Sample s = ds->get(i);
    auto m = s.mask->data[0];
    for (const auto& b : s.boxes) {
      ++lesions;
      int cls = b.label;  // 0 benign, 1 malignant: mask value cls + 1
      auto sub = m.index({torch::indexing::Slice((int64_t)b.lo[1], (int64_t)b.hi[1]),
                          torch::indexing::Slice((int64_t)b.lo[0], (int64_t)b.hi[0])});
      int64_t inside = sub.eq(cls + 1).sum().item<int64_t>();
      if (inside == 0) ++box_mismatch;
      area[cls] += inside;
      n_class[cls]++;
    }
  }
  summary["lesions"] = {{"count", lesions},
                        {"boxes_without_their_lesion", box_mismatch},
                        {"mean_area_benign_px", n_class[0] ? area[0] / n_class[0] : 0.0},
                        {"mean_area_malignant_px", n_class[1] ? area[1] / n_class[1] : 0.0}};
  if (box_mismatch) throw DataError(manifest, "phantom boxes disagree with their masks");

  // 3. Train a classifier (benign vs malignant lesion) on a seeded split.
  std::cout << "[3/7] training a classifier for " << a.epochs << " epochs on " << ds->size()
            << " phantoms (" << threads() << " threads)\n";
  auto t0 = std::chrono::steady_clock::now();
  ExperimentOptions eo;
  eo.out_dir = a.out + "/model";
  eo.device = g.device;
  json config = demo_config(manifest, a.epochs);
  config["seed"] = g.seed;
  json trained = run_experiment(config, eo);
  const double train_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary["training"] = {{"model", eo.out_dir}, {"seconds", train_s}, {"validation", trained["val"]},
                         {"threshold", trained["threshold"]}};

  // 4. Evaluate on phantoms the model has never seen.
  const int n_test = std::max(20, a.count / 4);
  std::cout << "[4/7] evaluating on " << n_test << " new phantoms\n";
  std::string test_manifest =
      write_phantom_dataset(a.out + "/phantoms2d_test", n_test, a.options, g.seed + 500000);
  json meta;
  auto models = load_models(eo.out_dir, g.device, &meta);
  PredictorOptions po;
  po.device = g.device;
  po.show_progress = false;
  Predictions pred = predict_probabilities(models, make_transforms(meta["preprocess"]),
                                           std::make_shared<CsvDataset>(test_manifest), po);
  DecisionRule rule = rule_from_meta(meta);
  ClassificationOptions co;
  co.class_names = meta["classes"].get<std::vector<std::string>>();
  co.rule = rule;
  co.bootstrap = 1000;
  co.seed = g.seed;
  json evaluation = evaluate_classification(pred.labels, pred.probabilities, co);
  // Calibration and referral by the predictive entropy (docs/explain.md).
  evaluation["uncertainty"] =
      evaluate_uncertainty(pred.labels, pred.probabilities, decide(pred, rule), pred.uncertainty);
  write_predictions_csv(a.out + "/test_predictions.csv", pred, co.class_names, decide(pred, rule));
  write_file_atomically(a.out + "/test_evaluation.json", evaluation.dump(2) + "\n");
  HtmlReportOptions ro;
  ro.title = "medcnn demo: phantom lesion classification";
  ro.description = {{"network", "resnet18 (small stem, width 16)"},
                    {"training", manifest},
                    {"test", test_manifest},
                    {"model", eo.out_dir}};
  write_classification_report(a.out + "/report.html", evaluation,
                              read_training_history(eo.out_dir + "/history.csv"), ro);
  json test;
  for (const auto& [k, v] : evaluation["metrics"].items()) test[k] = v.is_object() ? v["value"] : v;
  summary["test"] = {{"cases", n_test}, {"metrics", test}, {"report", a.out + "/report.html"}};

  // 5. Segment the lesions: U-Net on patches, maps for the test phantoms.
  std::cout << "[5/7] training a U-Net for " << a.seg_epochs
            << " epochs to segment the lesions, then segmenting the " << n_test
            << " new phantoms\n";
  summary["segmentation"] = demo_segmentation(a, g, manifest, test_manifest);

  // 6. Detect every lesion: CenterNet, scored by mAP and FROC on new phantoms.
  std::cout << "[6/7] training a CenterNet detector for " << a.det_epochs
            << " epochs on phantoms with 0 to 3 lesions, then detecting on new ones\n";
  summary["detection"] = demo_detection(a, g);

  // 7. A few 3-D phantom volumes through NIfTI and back, geometry kept.
  std::cout << "[7/7] writing " << a.volumes << " 3-D phantom volumes (NIfTI)\n";
  PhantomOptions o3 = a.options;
  o3.dims = 3;
  o3.size = 32;
  o3.min_radius = 3;
  o3.max_radius = 5;
  o3.spacing = 1.5;
  std::string m3 = write_phantom_dataset(a.out + "/phantoms3d", a.volumes, o3, g.seed + 1000);
  CsvDataset ds3(m3);
  Sample v = ds3.get(0);
  summary["dataset_3d"] = {{"manifest", m3}, {"cases", ds3.size()}, {"first", v.image.summary()}};

  write_file_atomically(a.out + "/demo-summary.json", summary.dump(2) + "\n");
  std::cout << summary.dump(2) << "\n";
  std::cout << "demo finished: summary in " << a.out << "/demo-summary.json, report in " << a.out
            << "/report.html\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "Run medcnn end to end on generated phantoms (no download needed)");
  cmd->add_option("--out", args->out, "output folder (default demo-output)");
  cmd->add_option("-n,--count", args->count, "2-D phantoms to generate")->check(CLI::Range(10, 100000));
  cmd->add_option("--volumes", args->volumes, "3-D phantoms to generate")->check(CLI::Range(1, 10000));
  cmd->add_option("--epochs", args->epochs, "classifier training epochs")->check(CLI::PositiveNumber);
  cmd->add_option("--seg-epochs", args->seg_epochs, "U-Net training epochs")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--det-epochs", args->det_epochs, "CenterNet training epochs")
      ->check(CLI::PositiveNumber);
  add_phantom_options(cmd, args->options);
  cmd->callback([args, &globals] { run(*args, globals); });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(demo, medcnn::cli::setup);
