// Per-case and summary evaluation of segmentations given as label maps
// (plain arrays, no torch): overlap metrics (segmentation_overlap.h), surface
// distances (surface_distance.h) and, for two classes, the pixel-wise ROC AUC
// of the foreground probability.
//
// evaluate_segmentation_case(pred, ref, grid, options, fg_probability):
//   pred, ref: grid.voxels() labels in [0, k) (k = num_classes); a voxel whose
//   ref == ignore_label is left out of every count, surface and AUC (for the
//   surface distances it is background in both masks); a pred voxel equal to
//   ignore_label predicts no class. fg_probability (optional, grid.voxels()
//   finite values, k == 2 only; ignored for k > 2): the AUC of it against
//   ref == 1 over the voxels not ignored (sklearn roc_auc_score).
//   Returns (NaN written as null):
//   {"num_classes": k, "ignore_label": l, "shape": [..], "spacing": [..],
//    "voxels": n, "ignored": m,
//    "per_class": [{"class": c, "<metric>": v, ..., "pred_empty": b, "ref_empty": b,
//                   "counts": {"tp": .., "fp": .., "fn": .., "tn": ..}}, ...],
//    "auc": v}                  (k == 2, options.auc and fg_probability given)
//   per_class holds classes 1..k-1 (0..k-1 with include_background), each with
//   the metrics named in options.metrics. "rand_error" (not in the defaults)
//   is the adapted Rand error (metrics/rand_error.h, the ISBI 2012 score) of
//   the class's connected components (face connectivity) in pred (its
//   voxels that ref does not ignore) against those in ref, over the voxels
//   ref labels with the class (the foreground-restricted Rand error: other
//   classes and ignored voxels are left out); null when no two of those
//   voxels share an object. Empty masks: see
//   segmentation_overlap.h (dice = iou = 1 when both are empty, 0 when one is)
//   and surface_distance.h (distances 0 when both are empty, null when one is).
//   AUC is null when the voxels left hold one class only.
// summarize_segmentation(cases): for every class and every metric of the
//   cases, over the cases: {"mean", "sd" (sample SD, ddof = 1), "n" (cases
//   with a value), "n_undefined" (cases with null)}; mean null when n == 0, sd
//   null when n < 2. Plus per class "counts" summed over the cases and
//   "global": dice, iou, sensitivity, specificity, precision, accuracy of the
//   summed counts (voxels pooled over cases). "auc" summarized the same way
//   when the cases have it. {"cases": N, "per_class": [{"class": c, "dice":
//   {...}, ..., "counts": {...}, "global": {...}}], "auc": {...}}.
// Errors: ConfigError for an unknown metric name (the message lists the
//   allowed ones), num_classes < 2 or ignore_label in [0, k); DataError for a
//   bad grid (check_grid), a label outside [0, k) that is not ignore_label
//   (naming the value and the voxel), a non-finite probability, or a case that
//   is not an evaluate_segmentation_case result (summarize_segmentation).
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medcnn/metrics/segmentation_overlap.h"
#include "medcnn/metrics/surface_distance.h"

namespace medcnn {

struct SegmentationMetricOptions {
  int64_t num_classes = 2;
  int64_t ignore_label = 255;
  bool include_background = false;
  std::vector<std::string> metrics = {"dice", "iou",       "sensitivity", "specificity", "accuracy",
                                      "hausdorff", "hausdorff95", "assd", "masd"};
  bool auc = true;
};

// Every name options.metrics accepts: dice, iou, sensitivity, specificity,
// precision, accuracy, hausdorff, hausdorff95, assd, masd, rand_error.
const std::vector<std::string>& segmentation_metric_names();

nlohmann::json evaluate_segmentation_case(const int64_t* pred_labels, const int64_t* ref_labels,
                                          const Grid& grid,
                                          const SegmentationMetricOptions& options,
                                          const float* fg_probability = nullptr);

nlohmann::json summarize_segmentation(const std::vector<nlohmann::json>& cases);

}  // namespace medcnn
