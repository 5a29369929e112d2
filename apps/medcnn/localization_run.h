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
#include "medcnn/nn/network.h"

namespace medcnn::cli {

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
