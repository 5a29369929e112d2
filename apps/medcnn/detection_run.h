// Detection models in `medcnn predict` and `medcnn evaluate`: each case
// through the model's preprocessing and the models, its boxes decoded
// (tasks/detection.h, with the options stored in the model) and mapped back
// to the input image's grid.
//
// Samples (uncertainty): with S > 1 samples per case (a fold ensemble's
// members, test-time flips, Monte-Carlo passes: BoxSampling in
// localization_run.h) each sample's boxes are decoded with a score
// threshold of at most 0.01, flipped back, and fused (fuse_detections,
// infer/box_uncertainty.h, at the model's NMS IoU); the score threshold then
// applies to the fused scores. predict's CSV and JSON gain the measures of
// box_uncertainty_columns("detection") per box, and evaluate a referral
// section: the precision (share of true positives at IoU 0.5) of the boxes
// with score >= 0.3 kept when the most uncertain are referred.
//
// predict writes OUT.csv (image,class,xmin,ymin,xmax,ymax,score; the boxes
// with score >= the threshold) and OUT.json (COCO results), and with a
// drawing folder one <id>_boxes.png per 2-D case (or axial slice of a
// volume). evaluate scores every decoded box (score >= the model's
// evaluation threshold, 0.01 by default: AP needs the low-score tail)
// against the data's boxes: evaluation.json (evaluate_detection_boxes),
// cases.csv and report.html with precision-recall and FROC curves and the
// pictures of up to `pictures` cases with the most missed or spurious boxes.
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/data/dataset.h"
#include "medcnn/localization_run.h"
#include "medcnn/nn/network.h"

namespace medcnn::cli {

struct DetectedCase {
  std::string id;
  std::vector<Box> boxes;  // on the input image's grid, by descending score
  std::vector<Box> truth;  // the case's boxes (input grid), if any
  std::vector<BoxUncertainty> uncertainty;  // aligned with boxes
  int64_t samples = 1;
};

// score_threshold < 0: the model's own (meta "detection".score_threshold).
// draw_dir non-empty: a box picture per case there (boxes with score >= draw_score).
// sampling.optimize: deterministic passes run traced and frozen
// (infer/optimize.h; 1.5-1.7x faster per image on CPU, docs/benchmarks.md).
std::vector<DetectedCase> run_detection(const std::vector<NetworkPtr>& models,
                                        const nlohmann::json& meta, const DatasetPtr& data,
                                        const std::string& device, double score_threshold = -1,
                                        const std::string& draw_dir = "", double draw_score = 0.3,
                                        const BoxSampling& sampling = {});

void write_detections(const std::vector<DetectedCase>& cases,
                      const std::vector<std::string>& classes, const std::string& csv_path);

// evaluation.json, cases.csv and report.html under out_dir; returns the evaluation.
nlohmann::json evaluate_detection_run(const std::vector<NetworkPtr>& models,
                                      const nlohmann::json& meta, const DatasetPtr& data,
                                      const std::string& device, const std::string& out_dir,
                                      const std::string& model_path, int pictures = 6,
                                      const BoxSampling& sampling = {});

}  // namespace medcnn::cli
