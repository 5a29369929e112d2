// Experiment: a training run described by one config (TOML or JSON; see
// docs/config.md), from data to checkpoints, evaluation and report.
//
// Contract
//  - run_experiment(config, options) resolves the config (defaults filled,
//    data-derived values such as in_channels, num_classes, spatial_dims and
//    class names written in) and writes it to OUT/config.json, which
//    `medcnn train OUT/config.json` re-runs as is.
//  - Without [cv]: one run on a seeded stratified train/val split of the
//    data (or data.val_source). With cv.folds = k: stratified k-fold
//    cross-validation for every seed in cv.seeds; inside each fold an inner
//    stratified validation split (cv.inner_val_fraction) drives early
//    stopping, the best epoch and the decision threshold, and the held-out
//    fold is scored once with the model so chosen (never used for
//    selection). OUT/cv_summary.json holds per-fold metrics and their mean
//    and sd; OUT/oof_predictions.csv the out-of-fold predictions; every
//    fold's best.pt is a member of the fold ensemble (OUT/ensemble.json).
//    cv.members = n (classification) trains n models per fold with their
//    own seeds (FOLD/memberM) and scores the fold with their averaged
//    probabilities; all of them join the ensemble.
//    cv.run_folds = [i, ...] trains only those folds (the summary covers
//    them); a later --resume run over all folds reuses finished ones.
//  - Each run folder holds best.pt, last.pt, history.csv, val_predictions.csv
//    and val_evaluation.json (+ heldout_* for CV folds); the decision
//    threshold chosen on validation (evaluate.threshold: "youden",
//    "sensitivity=0.9", "argmax" or a number) is stored in best.pt.
//  - No validation cases (cv.inner_val_fraction = 0, or data.val_fraction =
//    0 without data.val_source) is allowed with train.keep = "last" for
//    segmentation, regression localization and detection: each run trains
//    on all its cases, keeps its last epoch (nnU-Net's final checkpoint) and
//    writes no val_* files. Otherwise it is a ConfigError naming the key
//    (classification chooses its decision threshold on validation cases).
//  - resume = true continues every unfinished run from its last.pt and
//    skips finished ones.
//  - task = "segmentation" (docs/segmentation.md): the pool needs masks
//    (DataError at start-up otherwise); folds and splits are plain (not
//    stratified); classes come from the config's `classes`; training draws
//    train.repeats patches per image and epoch; validation and held-out
//    images are scored whole through the sliding window ([inferer]) into
//    val_/heldout_evaluation.json (no predictions CSV, no threshold); the
//    model's inferer and [[postprocess]] are stored in its checkpoint.
//  - task = "localization" (docs/localization.md): the cases with exactly one
//    box of `classes`; [localization] method = "regression" (a box head,
//    K + 2 dims outputs) or "pyramid" (a window classifier, K + 1 outputs,
//    trained on windows cut from each split's images; validation and
//    held-out folds are scored by the window search on whole images).
//  - task = "detection" (docs/detection.md): every case with its boxes of
//    `classes`; a CenterNet-style network; folds are plain.
//  - Errors: ConfigError naming the key for a bad value; the data layer's
//    errors for bad data.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/data/dataset.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct ExperimentOptions {
  std::string out_dir;
  std::string config_dir = ".";   // relative data paths resolve against it
  bool resume = false;
  std::string device = "cpu";
  bool show_progress = true;
};

// Fills defaults into a config (see docs/config.md); ConfigError on unknown
// top-level tables or keys.
nlohmann::json resolve_config(nlohmann::json config, const std::string& config_dir);

// Returns a summary (the single run's validation metrics, or cv_summary).
nlohmann::json run_experiment(const nlohmann::json& config, const ExperimentOptions& options);

// Opens config.data's training pool (data.source with data.splits pooled).
DatasetPtr open_training_data(const nlohmann::json& data, const std::string& config_dir);
// Opens a data set given on the command line or in a config: a path
// (and optional split list "train,val").
DatasetPtr open_data(const std::string& source, const std::vector<std::string>& splits,
                     const nlohmann::json& options = nlohmann::json::object());

// The models of a trained run: OUT/best.pt, an OUT/ensemble.json's members,
// or a checkpoint file given directly. meta receives the first member's
// metadata and "threshold" the ensemble's decision threshold.
std::vector<NetworkPtr> load_models(const std::string& path, const std::string& device,
                                    nlohmann::json* meta);

}  // namespace medcnn
