// Localization models in `medcnn predict` and `medcnn evaluate`: each case
// through the model's preprocessing and the models (a fold ensemble's
// outputs are averaged), its box decoded and mapped back to the input
// image's own grid (exact when the preprocessing resizes; a crop is not
// undone, and a warning says when the grid changed).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/data/dataset.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

namespace medcnn::cli {

// One case through a box model (localization or detection): the mean output
// of the models for the preprocessed sample, and the spatial sizes of the
// input image and of the preprocessed one (tensor order). Shared by
// localization and detection.
struct BoxModelPass {
  at::Tensor output;
  std::vector<int64_t> original, size;
};
// With `fast` (a vector kept by the caller across cases), the models run
// traced and frozen (infer/optimize.h), built on the first case; nullptr:
// the eager networks.
BoxModelPass forward_box_models(const std::vector<NetworkPtr>& models, const Compose& preprocess,
                                Sample s, const c10::Device& device,
                                std::vector<InferenceModel>* fast = nullptr);
// predict's box files: csv_path (image,class,xmin,ymin,xmax,ymax,score; an
// image without boxes gets an empty row) and the COCO results JSON beside it
// (same name, .json); the parent folder is created.
void write_box_predictions(const std::vector<std::string>& ids,
                           const std::vector<std::vector<Box>>& boxes,
                           const std::vector<std::string>& classes, const std::string& csv_path);
// Scales boxes from the preprocessed grid `size` back to `original`.
void rescale_boxes(std::vector<Box>& boxes, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& original);

struct LocalizedCase {
  std::string id;
  Box box;                          // on the input image's grid; label = predicted class
  std::vector<double> probabilities;
  std::vector<Box> truth;           // the case's boxes (input grid), if any
  std::array<double, 3> spacing{1, 1, 1};
};

std::vector<LocalizedCase> run_localization(const std::vector<NetworkPtr>& models,
                                            const nlohmann::json& meta, const DatasetPtr& data,
                                            const std::string& device);

// predict: OUT.csv (image,class,xmin,ymin,xmax,ymax,score) and OUT.json (COCO results).
void write_localizations(const std::vector<LocalizedCase>& cases,
                         const std::vector<std::string>& classes, const std::string& csv_path);

// evaluate: evaluation.json and cases.csv under out_dir; returns the evaluation.
nlohmann::json evaluate_localizations(const std::vector<LocalizedCase>& cases,
                                      const std::vector<std::string>& classes,
                                      const std::string& out_dir);

}  // namespace medcnn::cli
