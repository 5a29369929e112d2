// Object-detection metrics over Boxes (plain arrays, no torch): IoU, COCO-style
// matching, average precision (COCO 101-point and VOC all-points) and mAP.
//
// Boxes follow core/box.h: continuous 0-based index coordinates (pixel i covers
// [i, i+1)), x/y/z order, `label` the class index, `score` the confidence.
//
// box_iou(a, b): |a ∩ b| / |a ∪ b| in 1, 2 or 3 dimensions (a.dims, which must
//   equal b.dims), from the continuous corners (no "+1" as in old VOC code);
//   0 when the union is empty (two zero-size boxes).
//
// match_detections(predictions, ground_truth, label, iou_threshold,
//   max_detections): COCO matching (pycocotools COCOeval.evaluateImg, with no
//   crowd boxes and no area ranges) of the boxes whose label == `label`.
//   Per image, predictions are taken by score, highest first (stable: equal
//   scores keep their input order), at most max_detections of them (0: all);
//   each takes, among the ground truths not yet taken, the one with the
//   highest IoU >= iou_threshold (a tie goes to the later ground truth, as in
//   pycocotools), or none (a false positive). The images' predictions are then
//   pooled and sorted by score (stable, image order first): `tp` (1 true
//   positive, 0 false positive) and `scores` follow that order;
//   `n_ground_truth` counts the class's ground-truth boxes over all images.
//
// average_precision(match, method):
//   "coco101" (default): pycocotools COCOeval.accumulate. Precision
//     p_i = TP_i / (TP_i + FP_i) and recall r_i = TP_i / n_ground_truth after
//     each of the n ranked predictions; precision made monotone from the right
//     (p_i = max_{j >= i} p_j); at each of the 101 recall levels
//     R = 0, 0.01, ..., 1 (numpy.linspace(0, 1, 101)) the precision at the
//     first rank with r_i >= R (searchsorted side="left"), 0 when recall never
//     reaches R; AP is the mean of these 101 values. (pycocotools adds 2.2e-16
//     to the precision's denominator, which can never be 0 here: the values
//     differ by less than 1e-15.)
//   "voc_all": PASCAL VOC 2010+ (devkit VOCevalap, all points): the exact area
//     under the monotone precision envelope, sum over ranks where recall grows
//     of (r_i - r_{i-1}) * max_{j >= i} p_j, with r_0 = 0. The matching is
//     still the COCO one above (VOC's "difficult" flag does not exist here).
//   The curve returned is the raw (not interpolated) precision and recall
//   after each ranked prediction. AP is NaN when the class has no ground
//   truth (pycocotools: -1, left out of the mean); 0 when it has ground truth
//   but no prediction. ConfigError for another method name.
//
// evaluate_detections(predictions, ground_truth, num_classes, max_detections):
//   per class c in [0, num_classes): ap50 = coco101 AP at IoU 0.5 and ap50_95
//   = the mean of the coco101 APs at IoU 0.50, 0.55, ..., 0.95
//   (numpy.linspace(0.5, 0.95, 10)); map50 / map50_95 are their means over the
//   classes that have ground truth (NaN when none has): COCOeval's "AP @
//   IoU=0.50" and "AP @ IoU=0.50:0.95" for area "all" and maxDets =
//   max_detections. As in COCOeval (useCats=1) max_detections caps the
//   predictions per image AND class, by score. No "crowd" regions and no
//   area ranges (small/medium/large). precision50 / recall50 per class: TP /
//   (TP + FP) and TP / n_ground_truth at IoU 0.5 over every kept prediction
//   (no score threshold; the last point of the PR curve): precision NaN
//   without predictions of the class, recall NaN without ground truth.
//
// Errors (DataError naming the function, the list, image and box): a
// coordinate that is NaN or infinite, a box with hi < lo on some axis, dims
// not in 1..3 or differing between boxes, a NaN score, a label outside
// [0, num_classes), predictions and ground truth over different numbers of
// images, an IoU threshold outside [0, 1], max_detections < 0.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn {

// Boxes of several images: boxes[i] holds image i's boxes.
using BoxesPerImage = std::vector<std::vector<Box>>;

double box_iou(const Box& a, const Box& b);

struct DetectionMatch {
  std::vector<int> tp;          // per prediction, by descending score: 1 TP, 0 FP
  std::vector<double> scores;   // the predictions' scores, descending
  int64_t n_ground_truth = 0;   // ground-truth boxes of the class
};

DetectionMatch match_detections(const BoxesPerImage& predictions, const BoxesPerImage& ground_truth,
                                int label, double iou_threshold, int max_detections = 0);

struct ApResult {
  double ap = 0;
  std::vector<double> precision, recall;  // the raw PR curve, one point per prediction
};

ApResult average_precision(const DetectionMatch& m, const std::string& method = "coco101");

struct DetectionEvaluation {
  std::vector<double> ap50, ap50_95;         // per class (NaN: no ground truth)
  double map50 = 0, map50_95 = 0;            // means over classes with ground truth
  std::vector<double> precision50, recall50;  // per class, at IoU 0.5, every kept prediction
};

DetectionEvaluation evaluate_detections(const BoxesPerImage& predictions,
                                        const BoxesPerImage& ground_truth, int num_classes,
                                        int max_detections = 100);

// The IoU thresholds of mAP@[0.5:0.95], as numpy.linspace(0.5, 0.95, 10).
std::vector<double> coco_iou_thresholds();

namespace metrics_detail {

// DataError(where, "<list>[image] box k: ...") unless b has dims in 1..3 (and
// == dims when dims > 0), finite corners with hi >= lo, and a finite score.
void check_box(const std::string& where, const std::string& list, size_t image, size_t k,
               const Box& b, int dims = 0);
// Checks every box of both lists (one dims for all), that they cover the same
// number of images (> 0), and, when num_classes > 0, labels in [0, num_classes).
// Returns the boxes' dims (2 when there is no box at all).
int check_boxes_per_image(const std::string& where, const BoxesPerImage& predictions,
                          const BoxesPerImage& ground_truth, int num_classes);

}  // namespace metrics_detail

}  // namespace medcnn
