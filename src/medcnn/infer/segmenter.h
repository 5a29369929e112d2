// Segmenter: whole-image segmentation with a trained model or fold ensemble,
// and the writer that saves its label and probability maps.
//
// Contract
//  - segment(models, preprocess, sample, options): the sample goes through
//    `preprocess` (the deterministic transforms the models were trained
//    with), then every model runs over it by sliding-window inference
//    (options.window; the window's network is traced and frozen by
//    optimize_for_inference unless options.optimize is off); the class
//    probabilities are the softmax of the blended logits, averaged over the
//    models. Returns probabilities [K, spatial...] float32 and labels
//    [1, spatial...] uint8 (argmax; K <= 255) as Images on the input's grid
//    (see below). options.postprocess (infer/postprocess.h): its
//    probability steps (MRFSmooth) smooth the probabilities on the
//    preprocessed grid first, its label steps (e.g.
//    KeepLargestConnectedComponent) then edit the labels.
//    When the sample has an ROI (CSV roi column, kept as
//    meta "roi_path"), labels outside it are 0 and probabilities of class 0
//    are 1 there.
//  - predict_segmentations(models, preprocess, dataset, options, out_dir)
//    writes, for every case, OUT/<id>_seg.<ext> (labels) and, with
//    options.write_probabilities, OUT/<id>_prob.<ext> (foreground probability
//    for K = 2, all K channels otherwise); ext is png / tif for 2-D and
//    nii.gz for 3-D (options.label_format / probability_format override).
//    Files are written atomically (io/image_io.h). Returns the paths written.
//  - Uncertainty per voxel: the probabilities are the mean over S samples,
//    models x views x passes: views are the input and, with
//    options.tta_flips, its flips along every combination of spatial axes
//    (2^d views, each map flipped back: test-time augmentation); passes are
//    options.mc_samples Monte-Carlo dropout / drop-weights passes of the
//    eager network (infer/mc_dropout.h) or one deterministic pass. Each
//    sample is a whole sliding-window pass. `entropy` is the predictive
//    entropy of the mean and, when S > 1, `mutual_information` = entropy -
//    mean of the samples' entropies (their disagreement) and `variance` =
//    the mean over the K classes of the population variance of the samples'
//    probabilities (as summarize_samples, metrics/uncertainty.h). All are 0
//    outside the ROI. With options.write_uncertainty predict writes them as
//    <id>_entropy.<ext>, <id>_mi.<ext> and <id>_variance.<ext> (probability
//    format).
//  - When preprocessing changes the grid (Spacing, Orientation, a crop,
//    Resize), the probability and uncertainty maps are resampled back onto
//    the input's own grid by physical position (linear; voxels outside the
//    preprocessed grid are background) before the argmax, the ROI and the
//    post-processing, so the written maps overlay the input exactly (as
//    nnU-Net's export). options.input_grid = false keeps them on the
//    preprocessed grid (evaluate compares them with the preprocessed
//    reference) and the writer warns, naming the case.
#pragma once
#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "medcnn/core/image.h"
#include "medcnn/data/dataset.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/infer/postprocess.h"
#include "medcnn/infer/sliding_window.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn {

struct SegmenterOptions {
  SlidingWindowOptions window;
  nlohmann::json postprocess = nlohmann::json::array();
  std::string device = "cpu";
  bool optimize = true;
  bool write_probabilities = true;
  bool write_uncertainty = false;  // <id>_entropy (and <id>_mi, <id>_variance for S > 1) maps
  bool tta_flips = false;     // every flip combination as a sample (test-time augmentation)
  int mc_samples = 0;         // Monte-Carlo passes per model (infer/mc_dropout.h)
  double drop_weights = 0.0;  // and the share of weights each pass drops
  std::string label_format;        // "" = png (2-D) / nii.gz (3-D)
  std::string probability_format;  // "" = tif (2-D) / nii.gz (3-D)
  bool show_progress = true;
  bool input_grid = true;  // maps back on the input's grid (see the contract)
};

struct SegmentationResult {
  std::string id;
  Image probabilities;  // [K, spatial...] float32
  Image labels;         // [1, spatial...] uint8
  Image entropy;        // [1, spatial...] float32: predictive entropy of the mean (nats)
  Image mutual_information;  // S > 1 samples only: entropy - mean sample entropy
  Image variance;            // S > 1 samples only: mean over classes of the samples' variance
  bool grid_changed = false;
};

class Segmenter {
 public:
  Segmenter(std::vector<NetworkPtr> models, Compose preprocess, SegmenterOptions options);
  // preprocessed (optional) receives the sample after `preprocess` (its
  // mask is the reference the maps are to be compared with).
  SegmentationResult segment(Sample sample, Sample* preprocessed = nullptr) const;
  // Writes one result's maps under out_dir (as predict does); returns the paths.
  std::vector<std::string> write(const SegmentationResult& result, const std::string& out_dir) const;
  // Writes the maps of every case of `dataset` under out_dir; returns the paths.
  std::vector<std::string> predict(const DatasetPtr& dataset, const std::string& out_dir) const;

 private:
  std::vector<NetworkPtr> models_;
  Compose preprocess_;
  SegmenterOptions options_;
  Postprocess postprocess_;
  // One optimised model per network, traced on the first window it sees
  // (InferenceModel keeps a plan per window shape), so every case reuses it.
  struct Fast {
    std::unique_ptr<std::once_flag> once;
    InferenceModel model;
  };
  mutable std::vector<Fast> fast_;
};

}  // namespace medcnn
