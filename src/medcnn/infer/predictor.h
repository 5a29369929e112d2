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
//  - Uncertainty: each case gets S = models x views x passes probability
//    rows ("samples"): views are the input and, with options.tta_flips, its
//    flip along each spatial axis, or along each of options.tta_axes
//    (test-time augmentation; a flip does not change a class; flip only
//    along the axes the training augmentation flipped); passes are
//    options.mc_samples Monte-Carlo passes with the dropout layers active and batch norm in eval mode (Gal and
//    Ghahramani 2016), each also dropping options.drop_weights of every
//    convolution and linear weight (MC DropConnect, kept weights scaled by
//    1/(1 - p)), or one deterministic pass. The probabilities are the mean
//    of the samples; uncertainty["entropy"] is the predictive entropy of
//    that mean and, when S > 1, uncertainty["mutual_information"] (the
//    epistemic part) and uncertainty["variance"] follow summarize_samples
//    (metrics/uncertainty.h), and so does the ensemble vote: votes[i] is the
//    class most samples rank first and uncertainty["vote_disagreement"] the
//    share of samples that rank another class first. MC passes run the eager network. ConfigError
//    when mc_samples > 0 on a network without dropout and drop_weights is 0.
//  - int8 (options.int8_calibration set): each model is quantized to int8
//    (post-training static, quantize.h), calibrated on
//    options.int8_calibration_cases cases of that data set (shuffled with a
//    fixed seed) after `preprocess`;
//    CPU only, not with mc_samples (ConfigError), and a model the passes
//    cannot quantize runs in float with a warning. Check the task metric:
//    int8 moves probabilities by about 1e-2.
#pragma once
#include <ATen/core/Tensor.h>

#include <map>
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
  int mc_samples = 0;
  double drop_weights = 0.0;
  bool tta_flips = false;
  std::vector<int64_t> tta_axes;         // spatial axes flipped (0 = first); empty = every axis
  DatasetPtr int8_calibration;           // set: int8 models calibrated on this data
  int64_t int8_calibration_cases = 256;  // at most this many of its cases
};

struct Predictions {
  std::vector<std::string> ids;
  std::vector<int64_t> labels;                    // -1 = unknown
  std::vector<std::vector<double>> probabilities; // [case][class]
  // Per measure ("entropy", "mutual_information", "variance"), per case.
  std::map<std::string, std::vector<double>> uncertainty;
  std::vector<int64_t> votes;  // S > 1: the majority vote per case; else empty
};

// max_cases cases of `data` (shuffled with seed 0: a CSV may be sorted by
// class) after `preprocess`, in float batches on the CPU: the calibration
// input of an int8 model.
std::vector<at::Tensor> calibration_batches(DatasetPtr data, const Compose& preprocess,
                                            int64_t max_cases, int64_t batch_size);

Predictions predict_probabilities(const std::vector<NetworkPtr>& models, const Compose& preprocess,
                    DatasetPtr dataset, const PredictorOptions& options);

}  // namespace medcnn
