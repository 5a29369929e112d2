// Uncertainty of box predictions (localization and detection) from S >= 1
// samples of one case: Monte-Carlo dropout / drop-weights passes, test-time
// flips and the members of a fold ensemble (docs/explain.md).
//
// flip_boxes(boxes, axes, size): boxes found on an input flipped along the
//   spatial `axes` (tensor order over the spatial axes: for 2-D, 0 = y,
//   1 = x) mapped back to the unflipped grid, whose extents are `size`
//   (tensor order). Along an axis of extent n: lo' = n - hi, hi' = n - lo
//   (Box coordinates are continuous, core/box.h). Its own inverse.
//
// BoxUncertainty, natural logarithms throughout:
//   entropy             localization: the predictive entropy of the mean
//                       class probabilities (0 for one class); detection:
//                       the binary entropy H_b(s) of the fused score s
//   mutual_information  the entropy of the mean minus the mean entropy of
//                       the samples (BALD), clamped at 0; for detection a
//                       sample that does not hold the box counts as score 0
//   variance            localization: summarize_samples' variance of the
//                       class probabilities; detection: the population
//                       variance of the S per-sample scores (0 where absent)
//   disagreement        detection: the share of the S samples that do NOT
//                       hold the box; localization: 0 (every measure grows
//                       with the uncertainty, so any can rank cases to refer)
//   box_sd              sqrt of the mean, over the 2 * dims box edges, of the
//                       population variance of the members' edge
//                       coordinates (pixels of the boxes' grid); 0 for one
//
// fuse_localizations(boxes, probabilities): one box and class probability
//   row per sample (the same grid). The class probabilities are the mean
//   rows; the box is the mean of the boxes, labelled with the argmax of the
//   mean (ties -> lowest), scored with that class's mean probability.
//
// fuse_detections(samples, iou_threshold): S lists of boxes of one image
//   (one list per sample, on one grid). Every box of every sample, by
//   descending score (ties: sample, then list order), joins the cluster of
//   its class whose first (highest-scored) box it overlaps most with IoU >=
//   iou_threshold and which holds no box of its own sample yet; else it
//   starts a cluster. A cluster becomes one box: the score-weighted mean of
//   its members' edges, score = sum of the members' scores / S (as Weighted
//   Boxes Fusion, Solovyev et al. 2021; a box seen by few samples loses
//   score). Returned by descending score. With S = 1 the boxes come back
//   as they were (disagreement 0, box_sd 0, MI 0).
//
// Errors: DataError for no samples, samples of different dimensions or
// probability rows of different widths.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/metrics/types.h"

namespace medcnn {

struct BoxUncertainty {
  double entropy = 0, mutual_information = 0, variance = 0, disagreement = 0, box_sd = 0;
  // The value of a measure by column name (box_uncertainty_columns).
  double get(const std::string& name) const;
};

struct FusedBox {
  Box box;
  BoxUncertainty uncertainty;
  std::vector<double> probabilities;  // localization: the mean class probabilities
};

// The measure columns written for each task: "detection", or "localization"
// (box_sd alone for one class: the class measures are 0 there).
const std::vector<std::string>& box_uncertainty_columns(const std::string& task,
                                                        size_t num_classes = 2);

std::vector<Box> flip_boxes(std::vector<Box> boxes, const std::vector<int64_t>& axes,
                            const std::vector<int64_t>& size);

FusedBox fuse_localizations(const std::vector<Box>& boxes, const Probabilities& probabilities);

std::vector<FusedBox> fuse_detections(const std::vector<std::vector<Box>>& samples,
                                      double iou_threshold);

}  // namespace medcnn
