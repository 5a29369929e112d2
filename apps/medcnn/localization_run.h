// Localization models in `medcnn predict` and `medcnn evaluate`: each case
// through the model's preprocessing and the models, its box decoded and
// mapped back to the input image's own grid (exact when the preprocessing
// resizes; a crop is not undone, and a warning says when the grid changed).
//
// Samples (uncertainty, infer/box_uncertainty.h): each case runs S = models
// x views x passes times: the members of a fold ensemble; views = the input
// and, with BoxSampling::tta_flips, its flip along each spatial axis (the
// boxes flipped back); passes = mc_samples Monte-Carlo passes of the eager
// network (dropout on, drop_weights of the weights dropped) or one pass.
// A case's box is fuse_localizations of its S boxes; with S > 1 predict's
// CSV and JSON gain the measures of box_uncertainty_columns("localization")
// and evaluate a referral section (accuracy, IoU >= 0.5 and the right
// class, on the cases kept when the most uncertain are referred).
#pragma once
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/data/dataset.h"
#include "medcnn/infer/box_uncertainty.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn::cli {

// The samples each case gets (see above). optimize: deterministic passes
// run the models traced and frozen (infer/optimize.h), else eagerly.
struct BoxSampling {
  int mc_samples = 0;
  double drop_weights = 0.0;
  bool tta_flips = false;
  bool optimize = true;
  // S for `models` members of spatial dimension `dims`.
  int64_t samples(size_t models, int dims) const {
    return int64_t(models) * (tta_flips ? 1 + dims : 1) * std::max(1, mc_samples);
  }
};

// One case through a box model (localization or detection): the output of
// each sample for the preprocessed sample, the spatial axes its input was
// flipped along, and the spatial sizes of the input image and of the
// preprocessed one (tensor order). Shared by localization and detection.
struct BoxModelPass {
  std::vector<at::Tensor> outputs;
  std::vector<std::vector<int64_t>> flips;
  std::vector<int64_t> original, size;
};
// Runs the cases of one box model: its models, the preprocessing stored in
// `meta`, the device and the sampling; deterministic passes run the models
// optimised (built on the first case). ConfigError at construction for
// Monte-Carlo options the networks cannot honour (infer/mc_dropout.h).
class BoxModelRunner {
 public:
  BoxModelRunner(std::vector<NetworkPtr> models, const nlohmann::json& meta,
                 const std::string& device, BoxSampling sampling);
  BoxModelPass operator()(Sample s);  // without gradients
  int64_t samples() const;             // S per case

 private:
  std::vector<NetworkPtr> models_;
  Compose preprocess_;
  c10::Device device_;
  BoxSampling sampling_;
  std::vector<InferenceModel> fast_;
};
// The boxes of sample t decoded by `decode` (on the preprocessed grid),
// flipped back and scaled to the input's grid.
std::vector<Box> sample_boxes(const BoxModelPass& p, size_t t,
                              const std::function<std::vector<Box>(const at::Tensor&)>& decode);
// predict's box files: csv_path (image,class,xmin,ymin,xmax,ymax,score; an
// image without boxes gets an empty row) and the COCO results JSON beside it
// (same name, .json); the parent folder is created. With `uncertainty`
// (aligned with boxes), the columns of box_uncertainty_columns(task) follow.
void write_box_predictions(const std::vector<std::string>& ids,
                           const std::vector<std::vector<Box>>& boxes,
                           const std::vector<std::string>& classes, const std::string& csv_path,
                           const std::vector<std::vector<BoxUncertainty>>* uncertainty = nullptr,
                           const std::string& task = "");
// The referral section of a box evaluation: correct[i] for the i-th box,
// its measures `columns` and, when scores vary, least_confidence = 1 - score;
// `unit` names what is referred (uncertainty_section_html).
nlohmann::json box_referral(const std::vector<int>& correct, const std::vector<Box>& boxes,
                            const std::vector<BoxUncertainty>& uncertainty,
                            const std::vector<std::string>& columns, int64_t samples,
                            bool least_confidence, const std::string& unit);
// Scales boxes from the preprocessed grid `size` back to `original`.
void rescale_boxes(std::vector<Box>& boxes, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& original);

struct LocalizedCase {
  std::string id;
  Box box;                          // on the input image's grid; label = predicted class
  std::vector<double> probabilities;
  std::vector<Box> truth;           // the case's boxes (input grid), if any
  std::array<double, 3> spacing{1, 1, 1};
  BoxUncertainty uncertainty;
  int64_t samples = 1;
  // A case's identity, reference boxes and spacing, before any prediction.
  static LocalizedCase of(const Sample& s) {
    LocalizedCase c;
    c.id = s.id;
    c.truth = s.boxes;
    c.spacing = s.image.geometry.spacing;
    return c;
  }
};

std::vector<LocalizedCase> run_localization(const std::vector<NetworkPtr>& models,
                                            const nlohmann::json& meta, const DatasetPtr& data,
                                            const std::string& device,
                                            const BoxSampling& sampling = {});

// predict: OUT.csv (image,class,xmin,ymin,xmax,ymax,score) and OUT.json (COCO results).
void write_localizations(const std::vector<LocalizedCase>& cases,
                         const std::vector<std::string>& classes, const std::string& csv_path);

// evaluate: evaluation.json and cases.csv under out_dir; returns the evaluation.
nlohmann::json evaluate_localizations(const std::vector<LocalizedCase>& cases,
                                      const std::vector<std::string>& classes,
                                      const std::string& out_dir);

}  // namespace medcnn::cli
