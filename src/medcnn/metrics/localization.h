// Localization metrics: one predicted box against one true box per image
// (plain arrays, no torch).
//
// evaluate_localization(predicted, truth, spacing_mm, require_class):
//   predicted[i] and truth[i] are image i's boxes (same dims, 1..3). Per image:
//   iou = box_iou (detection.h); centroid_error_px = the Euclidean distance
//   between the two box centres in pixels (index units); centroid_error_mm =
//   the same distance with axis a scaled by spacing_mm[i][a] (x, y, z order;
//   spacing_mm empty: 1 mm everywhere, so mm == px). A case is correct when
//   iou >= 0.5 and, if require_class, predicted[i].label == truth[i].label;
//   accuracy is the share of correct cases. The means are over all images.
// Errors: DataError("evaluate_localization", ...) for no images, lengths
// that differ (boxes or spacing), boxes that are NaN, inverted (hi < lo) or
// of different dims, a spacing that is not finite and > 0 on a used axis.
#pragma once
#include <array>
#include <vector>

#include "medcnn/core/box.h"

namespace medcnn {

struct LocalizationResult {
  double accuracy = 0;  // share with IoU >= 0.5 (and the right class, if required)
  double mean_iou = 0;
  double mean_centroid_error_px = 0;
  double mean_centroid_error_mm = 0;
  std::vector<double> iou, centroid_error_px, centroid_error_mm;  // per image
};

LocalizationResult evaluate_localization(const std::vector<Box>& predicted,
                                         const std::vector<Box>& truth,
                                         const std::vector<std::array<double, 3>>& spacing_mm = {},
                                         bool require_class = false);

}  // namespace medcnn
