// Scoring segmentations for `medcnn evaluate` and `medcnn demo`: per-case
// and summary metrics (metrics/segmentation_evaluation.h), written as
// evaluation.json, cases.csv and a report.html with overlays of the best
// and worst cases.
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/core/image.h"
#include "medcnn/report/segmentation_report.h"

namespace medcnn::cli {

struct SegmentationCase {
  std::string id;
  Image image;               // for the overlay (and the spacing)
  at::Tensor reference;      // [spatial...] int64 labels; kIgnoreLabel = left out
  at::Tensor prediction;     // [spatial...] int64 labels
  at::Tensor probability;    // [spatial...] float foreground probability, optional
};

// num_classes: K (labels 0..K-1); class names may be empty. Writes under
// out_dir (created) and returns the evaluation JSON.
nlohmann::json score_segmentations(const std::vector<SegmentationCase>& cases,
                                   int64_t num_classes, const std::vector<std::string>& classes,
                                   const std::string& out_dir,
                                   const SegmentationReportOptions& report);

}  // namespace medcnn::cli
