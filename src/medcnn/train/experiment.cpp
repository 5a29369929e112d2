#include "medcnn/train/experiment.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/concat_dataset.h"
#include "medcnn/data/loader.h"
#include "medcnn/data/repeat_sampler.h"
#include "medcnn/data/sampler.h"
#include "medcnn/data/sources.h"
#include "medcnn/data/split.h"
#include "medcnn/infer/predictions_csv.h"
#include "medcnn/infer/postprocess.h"
#include "medcnn/infer/predictor.h"
#include "medcnn/infer/pyramid_search.h"
#include "medcnn/io/files.h"
#include "medcnn/metrics/localization.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/tasks/classification.h"
#include "medcnn/tasks/detection.h"
#include "medcnn/tasks/localization.h"
#include "medcnn/tasks/segmentation.h"
#include "medcnn/data/box_classes_dataset.h"
#include "medcnn/data/single_object_dataset.h"
#include "medcnn/data/window_dataset.h"
#include "medcnn/train/checkpoint.h"
#include "medcnn/train/trainer.h"
#include "medcnn/train/transfer.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace medcnn {
namespace {

json defaults() {
  return json::parse(R"({
    "task": "classification",
    "seed": 0,
    "classes": [],
    "inferer": {},
    "localization": {"box_weight": 5.0, "giou_weight": 2.0, "method": "regression",
                     "window_size": 64, "positives": 8, "negatives": 24,
                     "hard_fraction": 0.5, "jitter": 0.1, "negative_iou": 0.45,
                     "scales": [], "window_sizes": [],
                     "stride": 0.25, "aspect": 1.0, "refine_top": 4, "batch_size": 256},
    "detection": {"size_weight": 1.0, "offset_weight": 1.0, "score_threshold": 0.01,
                  "nms_iou": 0.5, "max_detections": 100},
    "postprocess": [],
    "data": {"splits": [], "val_fraction": 0.15, "val_source": "", "val_splits": []},
    "network": {"name": "resnet18"},
    "loss": {"name": "cross_entropy"},
    "optimizer": {"name": "adamw", "lr": 0.001},
    "schedule": {"name": "cosine", "warmup_epochs": 1},
    "train": {"epochs": 20, "batch_size": 32, "workers": 2, "cache": true, "sampler": "none",
              "monitor": "", "patience": 0, "min_delta": 0.0, "precision": "auto",
              "grad_clip": 0.0, "ema_decay": 0.0, "mixup_alpha": 0.0, "keep": "best",
              "init_from": "", "skip_head": true, "freeze": [],
              "unfreeze": [], "repeats": 1},
    "preprocess": [],
    "augment": [],
    "evaluate": {"threshold": "youden", "bootstrap": 1000, "tta_flips": false, "tta_axes": [],
                 "metrics": ["auc", "accuracy", "sensitivity", "specificity",
                             "balanced_accuracy", "f1"]},
    "cv": {"folds": 0, "seeds": [0], "inner_val_fraction": 0.15, "members": 1,
           "run_folds": []}
  })");
}

// Deep merge of user values over defaults; unknown keys of known tables are
// a ConfigError (the user table itself is checked by name).
void merge(json& base, const json& user, const std::string& where) {
  for (const auto& [k, v] : user.items()) {
    const std::string key = where.empty() ? k : where + "." + k;
    if (!base.contains(k)) {
      if (where == "network" || where == "data" || where == "inferer") {  // open tables
        base[k] = v;
        continue;
      }
      std::string known;
      for (const auto& [bk, bv] : base.items()) known += (known.empty() ? "" : ", ") + bk;
      throw ConfigError(key, "unknown key (known: " + known + ")");
    }
    if (base[k].is_object() && v.is_object() && k != "loss" && k != "optimizer" && k != "schedule")
      merge(base[k], v, key);
    else
      base[k] = v;
  }
}

std::vector<std::string> string_list(const json& j, const std::string& where) {
  if (j.is_string()) return {j.get<std::string>()};
  if (!j.is_array()) throw ConfigError(where, "expected a list of strings");
  std::vector<std::string> out;
  for (const auto& v : j) {
    if (!v.is_string()) throw ConfigError(where, "expected a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// The [data] keys that are the data set reader's options (CSV columns, ECG
// windows, ...): all but the ones the experiment itself uses.
json reader_options(const json& data) {
  json o = data;
  for (const char* k : {"source", "splits", "val_fraction", "val_source", "val_splits"}) o.erase(k);
  return o;
}

std::vector<std::string> class_names_of(const Dataset& ds) {
  auto names = ds.class_names();
  if (!names.empty()) return names;
  int64_t k = 0;
  for (auto l : ds.labels()) k = std::max(k, l + 1);
  for (int64_t c = 0; c < k; ++c) names.push_back(std::to_string(c));
  return names;
}

std::vector<int64_t> counts_of(const std::vector<int64_t>& labels, size_t k) {
  std::vector<int64_t> c(k, 0);
  for (auto l : labels)
    if (l >= 0 && l < (int64_t)k) c[l]++;
  return c;
}

std::vector<int64_t> labels_at(const std::vector<int64_t>& labels, const std::vector<size_t>& idx) {
  std::vector<int64_t> out;
  for (auto i : idx) out.push_back(labels[i]);
  return out;
}

std::vector<size_t> compose_idx(const std::vector<size_t>& outer, const std::vector<size_t>& inner) {
  std::vector<size_t> out;
  for (auto i : inner) out.push_back(outer[i]);
  return out;
}

// The decision rule of evaluate.threshold (a rule name or a number), chosen
// on validation predictions.
DecisionRule rule_from_config(const json& value, const Predictions& val, size_t classes) {
  if (classes != 2) return DecisionRule::argmax();
  const std::string spec = value.is_number() ? std::to_string(value.get<double>())
                                             : value.get<std::string>();
  try {
    return choose_decision_rule(spec, val.labels, val.probabilities);
  } catch (const DataError& e) {
    spdlog::warn("threshold rule '{}' is undefined on the validation data ({}); using 0.5", spec,
                 e.what());
    return DecisionRule::fixed(0.5);
  }
}

struct RunSpec {
  std::string dir;
  DatasetPtr train, val, heldout;  // heldout only for CV folds
  uint64_t seed = 0;
};

// A run chooses its best epoch (and a threshold) on validation cases. A split
// that is empty by accident must be refused: its loss of 0 is never beaten,
// so best.pt would silently stay the first epoch's weights. A run asked to
// have none (fraction 0) trains on every case and keeps its last epoch.
[[noreturn]] void refuse_no_validation(const std::string& key) {
  throw ConfigError(key, "leaves no validation cases; the best epoch, the decision threshold "
                         "and the validation scores need at least one");
}

void require_validation_cases(const DatasetPtr& val, const std::string& key) {
  if (!val || val->size() == 0) refuse_no_validation(key);
}

struct RunOutcome {
  json val_metrics, heldout_evaluation;
  Predictions heldout;
  DecisionRule rule;
  NetworkPtr net;              // the best epoch's weights
  ClassificationOptions co;    // classification: how it was scored
};

class Experiment {
 public:
  Experiment(json config, ExperimentOptions options)
      : config_(std::move(config)), options_(std::move(options)) {
    pool_ = open_training_data(config_["data"], options_.config_dir);
    segmentation_ = config_["task"] == "segmentation";
    localization_ = config_["task"] == "localization";
    if (localization_) {
      pyramid_ = config_["localization"]["method"] == "pyramid";
      // One object per case: its class is the label (folds stratify by it).
      pool_ = std::make_shared<SingleObjectDataset>(pool_,
                                                    string_list(config_["classes"], "classes"));
      spdlog::info("localization: {}", pool_->describe());
    }
    detection_ = config_["task"] == "detection";
    if (detection_) {
      // Every case, with the boxes of the chosen classes; folds are plain.
      pool_ = std::make_shared<BoxClassesDataset>(pool_, string_list(config_["classes"], "classes"));
      spdlog::info("detection: {}", pool_->describe());
      classes_ = pool_->class_names();
      labels_.assign(pool_->size(), 0);
    } else if (segmentation_) {
      // Folds are plain (one stratum); the classes come from the config.
      labels_.assign(pool_->size(), 0);
      classes_ = string_list(config_["classes"], "classes");
      if (classes_.empty()) classes_ = {"background", "foreground"};
    } else {
      classes_ = class_names_of(*pool_);
      labels_ = pool_->labels();
      for (size_t i = 0; i < labels_.size(); ++i)
        if (labels_[i] < 0)
          throw DataError(pool_->describe(), "case " + std::to_string(i) + " has no class label");
    }
    preprocess_ = config_["preprocess"];
    train_chain_ = preprocess_;
    for (const auto& t : config_["augment"]) train_chain_.push_back(t);
    make_transforms(train_chain_);  // ConfigError early for bad transforms
    make_postprocess(config_["postprocess"]);
    // Data-derived network values.
    Compose pre = make_transforms(preprocess_);
    Sample first = pool_->get(0);
    Rng rng(0);
    pre.apply(first, rng);
    if (segmentation_ && !first.mask)
      throw DataError(pool_->describe(), "segmentation needs a mask for every case, and case '" +
                                             first.id + "' has none (a CSV manifest needs a "
                                             "mask column)");
    auto& net = config_["network"];
    net["in_channels"] = first.image.data.size(0);
    net["spatial_dims"] = first.image.data.dim() - 1;
    net["num_classes"] = (int64_t)classes_.size();
    if (localization_ && !pyramid_)
      net["num_classes"] = localization_outputs((int64_t)classes_.size(),
                                                int(first.image.data.dim() - 1));
    if (pyramid_) {  // windows of the images: background + the object classes
      net["num_classes"] = (int64_t)classes_.size() + 1;
      pyramid_model(int(first.image.data.dim() - 1));  // ConfigError early for bad keys
      window_options(0);
    }
    if (detection_)
      net["num_classes"] = detection_outputs((int64_t)classes_.size(),
                                             int(first.image.data.dim() - 1));
    config_["classes"] = classes_;
  }

  const json& config() const { return config_; }

  json run() {
    if (config_["cv"]["folds"] < 2 &&
        (config_["cv"]["members"] != 1 || !config_["cv"]["run_folds"].empty()))
      throw ConfigError(config_["cv"]["members"] != 1 ? "cv.members" : "cv.run_folds",
                        "applies to cross-validation only: set cv.folds >= 2");
    keep_last();                        // refused before anything is written
    if (config_["cv"]["folds"] >= 2) {
      cv_members();
      cv_run_folds(config_["cv"]["folds"]);
    }
    const bool no_val = without_validation();
    fs::create_directories(options_.out_dir);
    write_file_atomically(options_.out_dir + "/config.json", config_.dump(2) + "\n");
    const int folds = config_["cv"]["folds"];
    if (folds >= 2) return run_cv(folds, no_val);
    RunSpec spec;
    spec.dir = options_.out_dir;
    spec.seed = config_["seed"];
    const auto& data = config_["data"];
    if (no_val) {
      spec.train = pool_;
      spdlog::info("training on all {} cases, no validation, keeping the last epoch", pool_->size());
    } else if (!data["val_source"].get<std::string>().empty()) {
      spec.train = pool_;
      spec.val = open_data(resolve_path(options_.config_dir, data["val_source"]),
                           string_list(data["val_splits"], "data.val_splits"), reader_options(data));
      require_validation_cases(spec.val, "data.val_source");
    } else {
      Split s = train_val_test_split(pool_->size(), data["val_fraction"], 0.0, spec.seed, labels_);
      spec.train = std::make_shared<Subset>(pool_, s.train);
      spec.val = std::make_shared<Subset>(pool_, s.val);
      require_validation_cases(spec.val, "data.val_fraction");
    }
    RunOutcome r = train_one(spec);
    json summary{{"val", r.val_metrics}, {"threshold", r.rule.threshold},
                 {"threshold_rule", r.rule.name}, {"out", options_.out_dir}};
    write_file_atomically(options_.out_dir + "/ensemble.json",
                          json{{"members", {"best.pt"}}, {"threshold", r.rule.threshold},
                               {"threshold_rule", r.rule.name}}.dump(2) + "\n");
    return summary;
  }

 private:
  // train.keep, checked: "best" (the monitor's best epoch) or "last" (no
  // early stopping then: it chooses an epoch by the monitor).
  bool keep_last() const {
    const json& k = config_["train"]["keep"];
    if (!k.is_string() || (k != "best" && k != "last"))
      throw ConfigError("train.keep", "expected \"best\" or \"last\", got " + k.dump());
    if (k == "last" && config_["train"]["patience"].get<int64_t>() > 0)
      throw ConfigError("train.patience", "early stopping chooses an epoch by the monitor: it "
                                          "needs train.keep = \"best\"");
    return k == "last";
  }

  // True when the config asks for no validation cases (cv.inner_val_fraction
  // or data.val_fraction 0, no data.val_source): allowed with train.keep =
  // "last" for tasks that choose nothing on validation (not classification,
  // whose decision threshold is chosen there, nor the pyramid localizer).
  bool without_validation() const {
    const bool cv = config_["cv"]["folds"] >= 2;
    const std::string key = cv ? "cv.inner_val_fraction" : "data.val_fraction";
    const bool none = cv ? config_["cv"]["inner_val_fraction"].get<double>() <= 0
                         : config_["data"]["val_source"].get<std::string>().empty() &&
                               config_["data"]["val_fraction"].get<double>() <= 0;
    if (!none) return false;
    if (classification() || pyramid_) refuse_no_validation(key);
    if (!keep_last())
      throw ConfigError(key, "leaves no validation cases to choose the best epoch: set "
                             "train.keep = \"last\" to train on every case and keep the last epoch");
    return true;
  }

  // cv.members, checked: a whole number >= 1; above 1 for classification only.
  int cv_members() const {
    const json& m = config_["cv"]["members"];
    if (!m.is_number_integer() || m.get<int>() < 1)
      throw ConfigError("cv.members", "expected a whole number >= 1, got " + m.dump());
    if (m.get<int>() > 1 && !classification())
      throw ConfigError("cv.members", "several models per fold average class probabilities: "
                                      "classification only (" + config_["task"].get<std::string>() +
                                      " ensembles the fold models at predict time)");
    return m.get<int>();
  }

  // cv.run_folds, checked: train (or, with --resume, reuse) only these folds,
  // so folds can run in separate processes into one folder; a last --resume
  // run over all folds then reuses them and writes the whole summary.
  std::vector<int> cv_run_folds(int folds) const {
    std::vector<int> run_folds;
    if (!config_["cv"]["run_folds"].is_array())
      throw ConfigError("cv.run_folds", "expected a list of fold numbers");
    for (const auto& v : config_["cv"]["run_folds"]) {
      if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > folds)
        throw ConfigError("cv.run_folds", "expected fold numbers from 1 to " +
                                              std::to_string(folds) + ", got " + v.dump());
      run_folds.push_back(v.get<int>());
    }
    return run_folds;
  }

  // no_val: without_validation(), checked by run() before anything is written.
  json run_cv(int folds, bool no_val) {
    const auto seeds = config_["cv"]["seeds"].get<std::vector<uint64_t>>();
    const double inner = config_["cv"]["inner_val_fraction"];
    const int n_members = cv_members();
    const std::vector<int> run_folds = cv_run_folds(folds);
    json runs = json::array();
    Predictions oof;
    std::vector<int64_t> oof_decided;
    json members = json::array();
    double threshold_sum = 0;
    std::string rule_name = "argmax";
    for (uint64_t seed : seeds) {
      auto fold_list = stratified_kfold(labels_, folds, seed);
      for (int f = 0; f < folds; ++f) {
        if (!run_folds.empty() &&
            std::find(run_folds.begin(), run_folds.end(), f + 1) == run_folds.end())
          continue;
        const auto& fold = fold_list[f];
        RunSpec spec;
        spec.seed = seed * 1000 + f;
        std::string name = (seeds.size() > 1 ? "seed" + std::to_string(seed) + "_" : "") +
                           "fold" + std::to_string(f + 1);
        spec.dir = options_.out_dir + "/" + name;
        auto train_labels = labels_at(labels_, fold.train);
        Split s;
        if (no_val) {
          s.train.resize(fold.train.size());
          std::iota(s.train.begin(), s.train.end(), size_t(0));
        } else {
          s = train_val_test_split(fold.train.size(), inner, 0.0, spec.seed, train_labels);
          spec.val = std::make_shared<Subset>(pool_, compose_idx(fold.train, s.val));
          require_validation_cases(spec.val, "cv.inner_val_fraction");
        }
        spec.train = std::make_shared<Subset>(pool_, compose_idx(fold.train, s.train));
        spec.heldout = std::make_shared<Subset>(pool_, fold.val);
        spdlog::info("cross-validation: seed {}, fold {}/{} ({} train, {} val, {} held out)", seed,
                     f + 1, folds, s.train.size(), s.val.size(), fold.val.size());
        RunOutcome r;
        if (n_members == 1) {
          r = train_one(spec);
          members.push_back(name + "/best.pt");
        } else {
          r = train_members(spec, n_members);
          for (int m = 1; m <= n_members; ++m)
            members.push_back(name + "/member" + std::to_string(m) + "/best.pt");
        }
        json metrics = json::object();
        for (const auto& [k, v] : r.heldout_evaluation["metrics"].items())
          metrics[k] = v.is_object() ? v["value"] : v;
        runs.push_back({{"run", name}, {"seed", seed}, {"fold", f + 1}, {"threshold", r.rule.threshold},
                        {"heldout", metrics}, {"val", r.val_metrics}});
        threshold_sum += r.rule.threshold;
        rule_name = r.rule.name;
        auto decided = classification() ? decide(r.heldout, r.rule) : std::vector<int64_t>();
        for (size_t i = 0; i < r.heldout.ids.size(); ++i) {
          oof.ids.push_back((seeds.size() > 1 ? "seed" + std::to_string(seed) + ":" : "") + r.heldout.ids[i]);
          oof.labels.push_back(r.heldout.labels[i]);
          oof.probabilities.push_back(r.heldout.probabilities[i]);
          oof_decided.push_back(decided[i]);
        }
      }
    }
    // Mean and sd over runs of every held-out metric.
    json stats = json::object();
    for (const auto& [k, v] : runs[0]["heldout"].items()) {
      std::vector<double> xs;
      for (const auto& r : runs)
        if (r["heldout"].contains(k) && r["heldout"][k].is_number()) xs.push_back(r["heldout"][k]);
      if (xs.empty()) continue;
      double mean = 0, sd = 0;
      for (double x : xs) mean += x;
      mean /= xs.size();
      for (double x : xs) sd += (x - mean) * (x - mean);
      sd = xs.size() > 1 ? std::sqrt(sd / (xs.size() - 1)) : 0.0;
      stats[k] = {{"mean", mean}, {"sd", sd}, {"n", xs.size()}};
    }
    json summary{{"folds", folds}, {"seeds", seeds}, {"runs", runs}, {"heldout_mean_sd", stats},
                 {"classes", classes_}};
    write_file_atomically(options_.out_dir + "/cv_summary.json", summary.dump(2) + "\n");
    if (classification())
      write_predictions_csv(options_.out_dir + "/oof_predictions.csv", oof, classes_, oof_decided);
    write_file_atomically(options_.out_dir + "/ensemble.json",
                          json{{"members", members},
                               {"threshold", threshold_sum / double(runs.size())},
                               {"threshold_rule", rule_name}}.dump(2) + "\n");
    return summary;
  }

  RunOutcome train_one(const RunSpec& spec) {
    const auto& t = config_["train"];
    const auto& ev = config_["evaluate"];
    fs::create_directories(spec.dir);
    RunOutcome outcome;
    const bool finished = options_.resume && fs::exists(spec.dir + "/done.json");
    torch::manual_seed(spec.seed);
    NetworkPtr net = make_network(network_spec_from_json(config_["network"]));
    if (!t["init_from"].get<std::string>().empty()) {
      auto rep = transfer_weights(*net, resolve_path(options_.config_dir, t["init_from"]),
                                  t["skip_head"]);
      spdlog::info("transfer: {} tensors copied, {} kept as new head, {} shape mismatches, {} not "
                   "in the source", rep.copied.size(), rep.kept_head.size(),
                   rep.shape_mismatch.size(), rep.not_in_source.size());
    }
    auto freeze = string_list(t["freeze"], "train.freeze");
    if (!freeze.empty()) set_trainable(*net, freeze, false);
    auto unfreeze = string_list(t["unfreeze"], "train.unfreeze");
    if (!unfreeze.empty()) set_trainable(*net, unfreeze, true);

    ClassificationOptions co;
    TaskPtr task;
    if (segmentation_) {
      SegmentationOptions so;
      so.class_names = classes_;
      so.loss = config_["loss"];
      so.metrics = string_list(ev["metrics"], "evaluate.metrics");
      so.inferer = SlidingWindowOptions::from_json(config_["inferer"], "inferer");
      task = std::make_shared<SegmentationTask>(so);
    } else if (pyramid_) {
      co.class_names = window_classes();
      co.loss = config_["loss"];
      co.metrics = string_list(ev["metrics"], "evaluate.metrics");
      co.bootstrap = 0;
      co.seed = spec.seed;  // the task is made below, with the window counts
    } else if (localization_) {
      LocalizationOptions lo;
      lo.class_names = classes_;
      lo.dims = config_["network"]["spatial_dims"].get<int>();
      lo.box_weight = config_["localization"]["box_weight"];
      lo.giou_weight = config_["localization"]["giou_weight"];
      task = std::make_shared<LocalizationTask>(lo);
    } else if (detection_) {
      task = std::make_shared<DetectionTask>(detection_options());
    } else {
      co.class_names = classes_;
      co.class_counts = counts_of(spec.train->labels(), classes_.size());
      co.loss = config_["loss"];
      co.metrics = string_list(ev["metrics"], "evaluate.metrics");
      co.bootstrap = 0;
      co.seed = spec.seed;
      task = std::make_shared<ClassificationTask>(co);
    }

    // The pyramid localizer trains on windows cut from the (preprocessed) images.
    DatasetPtr train_data = spec.train, val_data = spec.val;
    if (pyramid_) {
      train_data = std::make_shared<WindowDataset>(spec.train, window_options(spec.seed));
      val_data = std::make_shared<WindowDataset>(spec.val, window_options(spec.seed));
      spdlog::info("pyramid: training on {}", train_data->describe());
      co.class_counts = counts_of(train_data->labels(), classes_.size() + 1);
      task = std::make_shared<ClassificationTask>(co);
    }

    LoaderOptions lo;
    lo.batch_size = t["batch_size"];
    lo.workers = t["workers"];
    lo.cache = t["cache"];
    lo.seed = spec.seed;
    lo.shuffle = true;
    const std::string sampler = t["sampler"];
    const int64_t repeats = t["repeats"];
    if (sampler == "balanced") {
      if (segmentation_)
        throw ConfigError("train.sampler", "\"balanced\" needs class labels; for segmentation use "
                                           "RandCropByPosNegLabel's pos/neg to balance patches");
      lo.sampler = std::make_shared<ClassBalancedSampler>(train_data->labels(), spec.seed);
    } else if (sampler != "none") {
      throw ConfigError("train.sampler", "expected \"none\" or \"balanced\", got '" + sampler + "'");
    }
    if (repeats != 1) {
      if (lo.sampler) throw ConfigError("train.repeats", "cannot be combined with train.sampler");
      lo.sampler = std::make_shared<RepeatSampler>(train_data->size(), repeats, spec.seed);
    }
    const size_t epoch_length = lo.sampler ? lo.sampler->size() : train_data->size();
    lo.drop_last = epoch_length > (size_t)lo.batch_size;
    if (pyramid_) lo.cache = false;  // windows are cut from images WindowDataset keeps
    // windows are preprocessed already: they get the augmentation only
    DataLoader train_loader(train_data,
                            make_transforms(pyramid_ ? config_["augment"] : train_chain_), lo);
    LoaderOptions vo = lo;
    vo.shuffle = false;
    vo.drop_last = false;
    vo.sampler = nullptr;
    if (segmentation_) {
      vo.batch_size = 1;        // whole images, of any size, through the sliding window
      vo.keep_samples = true;   // their spacing, for surface distances
    }
    if (localization_ && !pyramid_) vo.keep_samples = true;  // spacing, for centroid errors in mm
    std::unique_ptr<DataLoader> val_loader;  // none: trained on every case (train.keep = "last")
    if (val_data)
      val_loader = std::make_unique<DataLoader>(
          val_data, make_transforms(pyramid_ ? json::array() : preprocess_), vo);

    TrainerOptions to;
    to.epochs = t["epochs"];
    to.out_dir = spec.dir;
    to.optimizer = config_["optimizer"];
    to.schedule = config_["schedule"];
    to.monitor = t["monitor"];
    to.keep_last = keep_last();
    to.patience = t["patience"];
    to.min_delta = t["min_delta"];
    to.grad_clip = t["grad_clip"];
    to.ema_decay = t["ema_decay"];
    to.mixup_alpha = t["mixup_alpha"];
    to.precision = t["precision"];
    to.device = parse_device(options_.device);
    to.resume = options_.resume && fs::exists(spec.dir + "/last.pt");
    to.show_progress = options_.show_progress;
    to.meta = {{"task", config_["task"]}, {"classes", classes_}, {"preprocess", preprocess_},
               {"config", config_}};
    if (detection_) to.meta["detection"] = detection_options().to_json();
    if (pyramid_) {
      const int dims = config_["network"]["spatial_dims"].get<int>();
      to.meta["localization"] = pyramid_model(dims).to_meta();
      to.meta["localization"]["window_classes"] = window_classes();
    }
    if (segmentation_) {
      to.meta["inferer"] = config_["inferer"];
      to.meta["postprocess"] = config_["postprocess"];
    }
    const std::string best = spec.dir + "/best.pt";
    Trainer trainer(net, task, to);
    if (!finished) {
      trainer.fit(train_loader, val_loader.get());
    } else {
      spdlog::info("{} finished earlier, reusing it", spec.dir);
      load_weights(*net, best);
    }
    if (pyramid_)
      score_pyramid(spec, trainer, *task, *val_loader, net, outcome);
    else if (!classification())
      score_with_task(spec, trainer, *task, val_loader.get(), vo, outcome);
    else
      score_classification(spec, {net}, co, outcome);
    outcome.net = net;
    outcome.co = co;
    write_file_atomically(spec.dir + "/done.json", json{{"threshold", outcome.rule.threshold}, {"rule", outcome.rule.name}}.dump() + "\n");
    return outcome;
  }

  // Pyramid localizer: the window classifier's metrics on the validation
  // windows, then the window search on the validation IMAGES (a single run)
  // or the held-out ones (a CV fold; the inner split's windows only, to save
  // the search's time): their localization evaluation is what the run reports.
  void score_pyramid(const RunSpec& spec, Trainer& trainer, Task& task, DataLoader& val_loader,
                     const NetworkPtr& net, RunOutcome& outcome) {
    outcome.rule = DecisionRule::argmax();
    trainer.validate(val_loader);
    json windows = task.evaluation();
    json window_metrics = json::object();
    for (const auto& [k, v] : windows["metrics"].items())
      window_metrics[k] = v.is_object() ? v["value"] : v;
    auto score = [&](const DatasetPtr& images, const std::string& prefix) {
      json e = pyramid_localization(images, net);
      e["window_metrics"] = window_metrics;  // on the validation windows
      write_file_atomically(spec.dir + "/" + prefix + "_evaluation.json", e.dump(2) + "\n");
      return e;
    };
    if (!spec.heldout) {
      json val_eval = score(spec.val, "val");
      outcome.val_metrics = val_eval["metrics"];
    } else {  // CV: the held-out images are searched, the inner split's windows scored
      json e = {{"task", "localization"}, {"method", "pyramid"},
                {"window_metrics", window_metrics}};
      write_file_atomically(spec.dir + "/val_evaluation.json", e.dump(2) + "\n");
      outcome.heldout_evaluation = score(spec.heldout, "heldout");
    }
    outcome.val_metrics["window_auc"] = window_metrics.value("auc", json());
  }

  // The window search over whole images (each through the preprocessing;
  // boxes scaled back to the image's own grid) and its localization metrics.
  json pyramid_localization(const DatasetPtr& images, const NetworkPtr& net) {
    const PyramidModel pm = pyramid_model(config_["network"]["spatial_dims"].get<int>());
    const Compose pre = make_transforms(preprocess_);
    const c10::Device dev = parse_device(options_.device);
    const WindowScorer scorer = network_window_scorer({net}, dev);
    std::vector<Box> pred, truth;
    std::vector<std::array<double, 3>> spacing;
    std::vector<std::string> ids;
    size_t windows = 0;
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < images->size(); ++i) {
      Sample s = images->get(i);
      if (s.boxes.size() != 1)
        throw DataError(s.id, "the pyramid localizer's evaluation needs one box per case");
      ids.push_back(s.id);
      truth.push_back(s.boxes[0]);
      spacing.push_back(s.image.geometry.spacing);
      const std::vector<int64_t> original = s.image.spatial_shape();
      Rng rng(0);
      pre.apply(s, rng);
      const std::vector<int64_t> size = s.image.spatial_shape();
      PyramidResult r = pyramid_search(s.image.data.to(dev, torch::kFloat), scorer,
                                       pm.window_size, pm.options);
      windows += r.windows;
      Box b = r.box;
      for (int a = 0; a < b.dims; ++a) {  // back to the image's own grid
        const double f = double(original[original.size() - 1 - a]) /
                         double(size[size.size() - 1 - a]);
        b.lo[a] *= f;
        b.hi[a] *= f;
      }
      pred.push_back(b);
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    LocalizationResult r = evaluate_localization(pred, truth, spacing, classes_.size() >= 2);
    spdlog::info("pyramid search: {} images, {} windows, {:.1f} s: accuracy (IoU >= 0.5) {:.4f}, "
                 "mean IoU {:.4f}", ids.size(), windows, seconds, r.accuracy, r.mean_iou);
    json cases = json::array();
    for (size_t i = 0; i < ids.size(); ++i) {
      json box = json::array();  // x0 y0 [z0] x1 y1 [z1], the image's own grid
      for (int a = 0; a < pred[i].dims; ++a) box.push_back(pred[i].lo[a]);
      for (int a = 0; a < pred[i].dims; ++a) box.push_back(pred[i].hi[a]);
      cases.push_back({{"id", ids[i]}, {"class", classes_.at(truth[i].label)},
                       {"predicted_class", classes_.at(pred[i].label)}, {"iou", r.iou[i]},
                       {"score", pred[i].score}, {"box", box},
                       {"centroid_error_px", r.centroid_error_px[i]}});
    }
    return {{"task", "localization"}, {"method", "pyramid"}, {"n", ids.size()},
            {"classes", classes_}, {"windows_scored", windows}, {"seconds", seconds},
            {"metrics", {{"accuracy", r.accuracy}, {"mean_iou", r.mean_iou},
                         {"mean_centroid_error_px", r.mean_centroid_error_px},
                         {"mean_centroid_error_mm", r.mean_centroid_error_mm}}},
            {"cases", cases}};
  }

  // [localization]'s window-search keys as PyramidOptions, and the window size.
  PyramidModel pyramid_model(int dims) const {
    const json& l = config_["localization"];
    PyramidModel m;
    json o = json::object();
    for (const char* k : {"scales", "window_sizes", "aspect", "stride", "batch_size", "refine_top"})
      o[k] = l[k];
    m.options = PyramidOptions::from_json(o, "localization");
    const json& ws = l["window_size"];
    if (ws.is_number_integer()) {
      m.window_size.assign(size_t(dims), ws.get<int64_t>());
    } else if (ws.is_array() && ws.size() == size_t(dims)) {
      for (const auto& v : ws) {
        if (!v.is_number_integer())
          throw ConfigError("localization.window_size", "expected integers, got " + v.dump());
        m.window_size.push_back(v.get<int64_t>());
      }
    } else {
      throw ConfigError("localization.window_size", "expected one integer or " +
                                                        std::to_string(dims) + " (tensor order)");
    }
    for (auto v : m.window_size)
      if (v < 8) throw ConfigError("localization.window_size", "every side must be >= 8");
    return m;
  }

  WindowDatasetOptions window_options(uint64_t seed) const {
    const json& l = config_["localization"];
    const PyramidModel m = pyramid_model(config_["network"]["spatial_dims"].get<int>());
    WindowDatasetOptions w;
    w.window_size = m.window_size;
    w.scales = m.options.scales;
    w.window_sizes = m.options.window_sizes;
    w.aspect = m.options.aspect;
    auto count = [&](const char* key) {
      if (!l[key].is_number_integer() || l[key].get<int64_t>() < 0)
        throw ConfigError(std::string("localization.") + key, "expected an integer >= 0");
      return l[key].get<int64_t>();
    };
    w.positives = count("positives");
    w.negatives = count("negatives");
    if (!l["hard_fraction"].is_number() || l["hard_fraction"].get<double>() < 0 ||
        l["hard_fraction"].get<double>() > 1)
      throw ConfigError("localization.hard_fraction", "expected a number in [0, 1]");
    w.hard_fraction = l["hard_fraction"];
    for (const char* k : {"jitter", "negative_iou"})
      if (!l[k].is_number())
        throw ConfigError(std::string("localization.") + k, "expected a number");
    w.jitter = l["jitter"];
    w.negative_iou = l["negative_iou"];
    if (!(w.jitter >= 0 && w.jitter <= 0.5))
      throw ConfigError("localization.jitter", "must be in [0, 0.5]");
    if (!(w.negative_iou > 0 && w.negative_iou <= 0.6))
      throw ConfigError("localization.negative_iou", "must be in (0, 0.6]");
    w.seed = seed;
    w.preprocess = std::make_shared<Compose>(make_transforms(preprocess_));
    return w;
  }

  std::vector<std::string> window_classes() const {
    std::vector<std::string> c{"background"};
    c.insert(c.end(), classes_.begin(), classes_.end());
    return c;
  }

  // Segmentation and localization: the task's evaluation of the kept model
  // over the validation (if any) and held-out cases.
  void score_with_task(const RunSpec& spec, Trainer& trainer, Task& task,
                          DataLoader* val_loader, const LoaderOptions& vo, RunOutcome& outcome) {
    outcome.rule = DecisionRule::argmax();
    auto score = [&](DataLoader& loader, const std::string& prefix) {
      trainer.validate(loader);
      json e = task.evaluation();
      write_file_atomically(spec.dir + "/" + prefix + "_evaluation.json", e.dump(2) + "\n");
      return e;
    };
    outcome.val_metrics = json::object();
    if (val_loader) outcome.val_metrics = score(*val_loader, "val")["metrics"];
    if (spec.heldout) {
      DataLoader heldout_loader(spec.heldout, make_transforms(preprocess_), vo);
      outcome.heldout_evaluation = score(heldout_loader, "heldout");
    }
  }

  // A CV fold of cv.members models: each trained on the same split with its
  // own seed (member 1's is the single model's) in FOLD/memberM, then scored
  // together, their probabilities averaged, into FOLD/val_ and heldout_*.
  RunOutcome train_members(const RunSpec& spec, int n_members) {
    std::vector<NetworkPtr> nets;
    RunOutcome first;
    for (int m = 0; m < n_members; ++m) {
      RunSpec ms = spec;
      ms.seed = spec.seed + 100003 * uint64_t(m);
      ms.dir = spec.dir + "/member" + std::to_string(m + 1);
      spdlog::info("{}: member {}/{}", spec.dir, m + 1, n_members);
      RunOutcome r = train_one(ms);
      nets.push_back(r.net);
      if (m == 0) first = r;
    }
    RunOutcome outcome;
    outcome.co = first.co;
    score_classification(spec, nets, first.co, outcome);
    return outcome;
  }

  // Classification: scores a run's model, or a fold's members averaged. The
  // decision rule is chosen on the validation predictions (and stored in a
  // single model's best.pt); validation and held-out cases are scored with
  // it and written out.
  void score_classification(const RunSpec& spec, const std::vector<NetworkPtr>& nets,
                            const ClassificationOptions& co, RunOutcome& outcome) {
    const auto& ev = config_["evaluate"];
    const auto& t = config_["train"];
    PredictorOptions po;
    po.batch_size = t["batch_size"];
    po.workers = t["workers"];
    po.device = options_.device;
    po.show_progress = false;
    po.tta_flips = ev["tta_flips"];
    po.tta_axes = ev["tta_axes"].get<std::vector<int64_t>>();
    Compose pre = make_transforms(preprocess_);
    Predictions val_pred = predict_probabilities(nets, pre, spec.val, po);
    outcome.rule = rule_from_config(ev["threshold"], val_pred, classes_.size());
    if (nets.size() == 1) {
      const std::string best = spec.dir + "/best.pt";
      json meta = read_checkpoint_meta(best);
      meta["threshold"] = outcome.rule.threshold;
      meta["threshold_rule"] = outcome.rule.name;
      save_checkpoint(best, *nets[0], meta);
    }
    auto score = [&](const Predictions& p, const std::string& prefix) {
      ClassificationOptions eo = co;
      eo.rule = outcome.rule;
      eo.bootstrap = ev["bootstrap"];
      json e = evaluate_classification(p.labels, p.probabilities, eo);
      write_predictions_csv(spec.dir + "/" + prefix + "_predictions.csv", p, classes_,
                            decide(p, outcome.rule));
      write_file_atomically(spec.dir + "/" + prefix + "_evaluation.json", e.dump(2) + "\n");
      return e;
    };
    json val_eval = score(val_pred, "val");
    for (const auto& [k, v] : val_eval["metrics"].items())
      outcome.val_metrics[k] = v.is_object() ? v["value"] : v;
    if (spec.heldout) {
      outcome.heldout = predict_probabilities(nets, pre, spec.heldout, po);
      outcome.heldout_evaluation = score(outcome.heldout, "heldout");
    }
  }

  json config_;
  ExperimentOptions options_;
  DatasetPtr pool_;
  std::vector<std::string> classes_;
  std::vector<int64_t> labels_;
  json preprocess_, train_chain_;
  bool classification() const { return !segmentation_ && !localization_ && !detection_; }
  DetectionOptions detection_options() const {
    return DetectionOptions::from_json(config_["detection"], classes_,
                                       config_["network"]["spatial_dims"].get<int>());
  }

  bool segmentation_ = false;
  bool localization_ = false;
  bool pyramid_ = false;  // localization by a window classifier and the pyramid search
  bool detection_ = false;
};

}  // namespace

nlohmann::json resolve_config(nlohmann::json config, const std::string& config_dir) {
  json base = defaults();
  const std::string task = config.value("task", std::string("classification"));
  if (task == "segmentation") {
    base["network"] = {{"name", "unet"}};
    base["loss"] = {{"name", "dice_ce"}};
    base["evaluate"]["threshold"] = "argmax";
    base["evaluate"]["metrics"] = {"dice", "iou", "sensitivity", "specificity", "accuracy"};
  } else if (task == "localization") {
    base["evaluate"]["threshold"] = "argmax";
    base["evaluate"]["metrics"] = json::array();
    base["train"]["monitor"] = "mean_iou";
    base["localization"]["scales"] = default_pyramid_scales();
    const json loc = config.value("localization", json::object());
    const json method = loc.is_object() ? loc.value("method", json("regression")) : json();
    if (method != "regression" && method != "pyramid")
      throw ConfigError("localization.method", "expected \"regression\" or \"pyramid\", got " +
                                                   method.dump());
    if (method == "pyramid") {  // a window classifier: background + the object classes
      base["evaluate"]["metrics"] = {"auc", "accuracy"};
      base["train"]["monitor"] = "auc";
    }
  } else if (task == "detection") {
    base["network"] = {{"name", "centernet"}};
    base["evaluate"]["threshold"] = "argmax";
    base["evaluate"]["metrics"] = json::array();
    base["train"]["monitor"] = "map50";
  } else if (task != "classification") {
    throw ConfigError("task", "'" + task + "' is not available yet (available: classification, "
                                           "segmentation, localization, detection)");
  }
  merge(base, config, "");
  const json& ema = base["train"]["ema_decay"];
  if (!ema.is_number() || !(ema.get<double>() >= 0 && ema.get<double>() < 1))
    throw ConfigError("train.ema_decay", "must be 0 (off) or a decay in (0, 1), got " + ema.dump());
  const json& mixup = base["train"]["mixup_alpha"];
  if (!mixup.is_number() || !(std::isfinite(mixup.get<double>()) && mixup.get<double>() >= 0))
    throw ConfigError("train.mixup_alpha",
                      "must be 0 (off) or the Beta(alpha, alpha) parameter > 0, got " + mixup.dump());
  if (mixup.get<double>() > 0 && task != "classification")
    throw ConfigError("train.mixup_alpha", "classification only (a " + task +
                                               " model's masks and boxes are not mixed)");
  const json& ev = base["evaluate"];
  if (!ev["tta_flips"].is_boolean())
    throw ConfigError("evaluate.tta_flips", "expected true or false, got " + ev["tta_flips"].dump());
  if (!ev["tta_axes"].is_array())
    throw ConfigError("evaluate.tta_axes", "expected a list of spatial axes such as [1]");
  for (const auto& a : ev["tta_axes"])
    if (!a.is_number_integer() || a.get<int64_t>() < 0)
      throw ConfigError("evaluate.tta_axes", "expected spatial axes 0, 1, 2, got " + a.dump());
  if (ev["tta_flips"].get<bool>() && task != "classification")
    throw ConfigError("evaluate.tta_flips",
                      "classification only (a " + task + " model flips through " +
                          (task == "segmentation" ? "inferer.flip" : "predict --tta") + ")");
  if (!base["data"].contains("source") || !base["data"]["source"].is_string())
    throw ConfigError("data.source", "missing: the data set to train on");
  // Paths become absolute, so the resolved config.json runs from anywhere.
  auto absolute = [&](json& value) {
    if (value.is_string() && !value.get<std::string>().empty())
      value = fs::absolute(resolve_path(config_dir, value.get<std::string>())).lexically_normal().string();
  };
  absolute(base["data"]["source"]);
  absolute(base["data"]["val_source"]);
  absolute(base["train"]["init_from"]);
  return base;
}

nlohmann::json run_experiment(const nlohmann::json& config, const ExperimentOptions& options) {
  if (options.out_dir.empty()) throw ConfigError("--out", "an output folder is needed");
  Experiment e(resolve_config(config, options.config_dir), options);
  return e.run();
}

DatasetPtr open_data(const std::string& source, const std::vector<std::string>& splits,
                     const nlohmann::json& options) {
  if (splits.empty()) return open_dataset(source, "", options);
  std::vector<DatasetPtr> parts;
  for (const auto& s : splits) parts.push_back(open_dataset(source, s, options));
  if (parts.size() == 1) return parts[0];
  return std::make_shared<ConcatDataset>(parts);
}

DatasetPtr open_training_data(const nlohmann::json& data, const std::string& config_dir) {
  return open_data(resolve_path(config_dir, data.at("source")),
                   string_list(data.value("splits", json::array()), "data.splits"),
                   reader_options(data));
}

std::vector<NetworkPtr> load_models(const std::string& path, const std::string& device,
                                    nlohmann::json* meta) {
  const c10::Device dev = parse_device(device);
  std::vector<std::string> files;
  double threshold = NAN;
  if (fs::is_directory(path)) {
    const std::string ens = path + "/ensemble.json";
    if (fs::exists(ens)) {
      json e;
      try {
        e = json::parse(read_file(ens));
      } catch (const json::exception&) {
        throw FormatError(ens, "not valid JSON");
      }
      for (const auto& m : e.at("members")) files.push_back(path + "/" + m.get<std::string>());
      threshold = e.value("threshold", NAN);
    } else if (fs::exists(path + "/best.pt")) {
      files.push_back(path + "/best.pt");
    } else {
      throw IoError(path, "no trained model here (neither ensemble.json nor best.pt)");
    }
  } else {
    files.push_back(path);
  }
  std::vector<NetworkPtr> models;
  json first;
  for (const auto& f : files) {
    json m;
    models.push_back(load_network(f, dev, &m));
    if (first.is_null()) first = m;
    else if (m.value("classes", json()) != first.value("classes", json()))
      throw FormatError(f, "ensemble members disagree on the classes");
  }
  if (meta) {
    *meta = first;
    if (!std::isnan(threshold)) (*meta)["threshold"] = threshold;
  }
  return models;
}

}  // namespace medcnn
