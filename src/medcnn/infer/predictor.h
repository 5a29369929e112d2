// Predictor: runs one network, or an ensemble of networks (the folds of a
// cross-validation), over a data set and returns per-case class
// probabilities.
//
// Contract
//  - Each case goes through `preprocess` (the deterministic transforms the
//    models were trained with, stored in their checkpoints), then through
//    every model in eval mode without gradients; probabilities are the
//    softmax of the logits, averaged over the models (fold ensembling).
//  - options.optimize (default on) runs each model through
//    optimize_for_inference (traced, frozen, oneDNN), which is checked
//    against the eager network on the first batch of each shape.
//  - Result rows follow the data set's order; labels are the data set's
//    (-1 where a case has none).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <vector>

#include "medcnn/data/dataset.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct PredictorOptions {
  int64_t batch_size = 32;
  int workers = 2;
  bool optimize = true;
  std::string device = "cpu";
  bool show_progress = true;
};

struct Predictions {
  std::vector<std::string> ids;
  std::vector<int64_t> labels;                    // -1 = unknown
  std::vector<std::vector<double>> probabilities; // [case][class]
};

Predictions predict_probabilities(const std::vector<NetworkPtr>& models, const Compose& preprocess,
                    DatasetPtr dataset, const PredictorOptions& options);

}  // namespace medcnn
