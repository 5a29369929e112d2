// Free-response ROC (FROC) of lesion detection (plain arrays, no torch), as in
// the CAMELYON16 challenge and LUNA16.
//
// froc(predictions, ground_truth, hit, iou_threshold): predictions[i] and
//   ground_truth[i] are image i's predicted boxes (with scores) and lesions.
//   Labels are ignored (one lesion class: pass one class's boxes to evaluate
//   it). A prediction hits a lesion when
//     FrocHit::Iou:          box_iou(prediction, lesion) >= iou_threshold
//                            (default 0.5);
//     FrocHit::CentreInside: the prediction's centre lies inside the lesion
//                            box, bounds included (lo <= c <= hi on every
//                            axis; CAMELYON16 scores a predicted point inside
//                            the lesion's region).
//   At a score threshold s (predictions with score >= s kept) a lesion is
//   detected when some kept prediction hits it, and a kept prediction that
//   hits no lesion is a false positive. Several predictions on one lesion
//   detect it once and none of them is a false positive; one prediction that
//   hits several lesions detects each of them (CAMELYON16 convention).
//   Curve: one point per distinct score, highest first, after a first point
//   (0, 0) where nothing is kept: fp_per_image = false positives / number of
//   images (images without lesions count), sensitivity = detected lesions /
//   all lesions (NaN when there are none).
//   sensitivity_at[j]: at the rates 1/8, 1/4, 1/2, 1, 2, 4, 8 FP per image
//   (kFrocRates), the highest sensitivity of a curve point whose
//   fp_per_image <= that rate: a step, no interpolation between points
//   (the CAMELYON16 script interpolates linearly and uses 1/4..8 only); 0
//   when no point reaches it. mean_sensitivity is their mean (the
//   CAMELYON16 / LUNA16 "FROC score", here over the 7 rates).
// Errors: as evaluate_detections (detection.h): DataError for NaN or inverted
// boxes, NaN scores, mixed dims, list lengths that differ or are 0, an
// iou_threshold outside [0, 1].
#pragma once
#include <array>
#include <vector>

#include "medcnn/metrics/detection.h"

namespace medcnn {

enum class FrocHit { Iou, CentreInside };

// The FP-per-image rates of FrocCurve::sensitivity_at.
inline constexpr std::array<double, 7> kFrocRates{0.125, 0.25, 0.5, 1, 2, 4, 8};

struct FrocCurve {
  std::vector<double> fp_per_image, sensitivity;  // the curve, from the highest threshold
  std::vector<double> thresholds;                 // score of each point (+inf for the first)
  std::vector<double> sensitivity_at;             // at kFrocRates
  double mean_sensitivity = 0;                    // mean of sensitivity_at
};

FrocCurve froc(const BoxesPerImage& predictions, const BoxesPerImage& ground_truth,
               FrocHit hit = FrocHit::Iou, double iou_threshold = 0.5);

}  // namespace medcnn
