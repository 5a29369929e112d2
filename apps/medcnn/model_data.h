// Options shared by `predict` and `evaluate`: a trained model and a data set.
#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "medcnn/command.h"
#include "medcnn/localization_run.h"
#include "medcnn/infer/predictor.h"
#include "medcnn/infer/segmenter.h"
#include "medcnn/metrics/operating_point.h"

namespace medcnn::cli {

struct ModelDataArgs {
  std::string model, data;
  std::vector<std::string> splits;
  int64_t batch_size = 32;
  bool no_optimize = false;
  int mc_samples = 0;        // uncertainty: Monte-Carlo dropout passes
  double drop_weights = 0;   // and the share of weights each pass drops
  bool tta = false;          // test-time flips
  std::vector<int64_t> tta_axes;  // classification: flip only along these spatial axes
  std::string postprocess;   // segmentation: a TOML file whose [[postprocess]] replaces the model's
  std::string int8;          // classification: int8 models calibrated on this data set
  std::vector<std::string> int8_splits;
  int64_t int8_cases = 256;
};

void add_model_data_options(CLI::App* cmd, ModelDataArgs& a);

// Runs the model (or fold ensemble) on the data; gives its class names and
// the decision rule stored with it.
Predictions run_model(const ModelDataArgs& a, const GlobalOptions& g,
                      std::vector<std::string>& classes, DecisionRule& rule);

// The samples a localization or detection model takes per case.
BoxSampling box_sampling(const ModelDataArgs& a);

// The Segmenter of a segmentation model: the sliding window and the
// post-processing stored with it (meta "inferer", "postprocess"; --postprocess
// replaces the latter with a TOML file's [[postprocess]] list), its
// preprocessing, and the command's device and --no-optimize; other fields
// of `so` are kept.
Segmenter model_segmenter(std::vector<NetworkPtr> models, const nlohmann::json& meta,
                          const ModelDataArgs& a, const GlobalOptions& g, SegmenterOptions so);

}  // namespace medcnn::cli
