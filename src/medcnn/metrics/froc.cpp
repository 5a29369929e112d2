#include "medcnn/metrics/froc.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

bool centre_inside(const Box& p, const Box& lesion) {
  const auto c = p.centre();
  for (int a = 0; a < lesion.dims; ++a)
    if (c[a] < lesion.lo[a] || c[a] > lesion.hi[a]) return false;
  return true;
}

}  // namespace

FrocCurve froc(const BoxesPerImage& predictions, const BoxesPerImage& ground_truth, FrocHit hit,
               double iou_threshold) {
  const std::string where = "froc";
  if (!(iou_threshold >= 0 && iou_threshold <= 1))
    throw DataError(where, "iou_threshold must be in [0, 1], got " + std::to_string(iou_threshold));
  metrics_detail::check_boxes_per_image(where, predictions, ground_truth, 0);

  const double ninf = -std::numeric_limits<double>::infinity();
  // Per lesion: the highest score of a prediction hitting it (-inf: none).
  // Per prediction that hits nothing: its score (a false positive).
  std::vector<double> lesion_score, fp_scores, all_scores;
  for (size_t i = 0; i < predictions.size(); ++i) {
    const auto& gts = ground_truth[i];
    std::vector<double> best(gts.size(), ninf);
    for (const Box& p : predictions[i]) {
      bool any = false;
      for (size_t g = 0; g < gts.size(); ++g) {
        const bool h = hit == FrocHit::Iou ? box_iou(p, gts[g]) >= iou_threshold
                                           : centre_inside(p, gts[g]);
        if (!h) continue;
        any = true;
        best[g] = std::max(best[g], static_cast<double>(p.score));
      }
      if (!any) fp_scores.push_back(p.score);
      all_scores.push_back(p.score);
    }
    lesion_score.insert(lesion_score.end(), best.begin(), best.end());
  }

  const double n_images = static_cast<double>(predictions.size());
  const double n_lesions = static_cast<double>(lesion_score.size());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::sort(all_scores.begin(), all_scores.end(), std::greater<double>());
  all_scores.erase(std::unique(all_scores.begin(), all_scores.end()), all_scores.end());
  std::sort(fp_scores.begin(), fp_scores.end(), std::greater<double>());
  std::sort(lesion_score.begin(), lesion_score.end(), std::greater<double>());

  FrocCurve r;
  r.fp_per_image.push_back(0);
  r.sensitivity.push_back(n_lesions > 0 ? 0 : nan);
  r.thresholds.push_back(std::numeric_limits<double>::infinity());
  size_t nf = 0, nl = 0;
  for (double s : all_scores) {
    while (nf < fp_scores.size() && fp_scores[nf] >= s) ++nf;
    while (nl < lesion_score.size() && lesion_score[nl] >= s) ++nl;
    r.fp_per_image.push_back(static_cast<double>(nf) / n_images);
    r.sensitivity.push_back(n_lesions > 0 ? static_cast<double>(nl) / n_lesions : nan);
    r.thresholds.push_back(s);
  }

  for (double rate : kFrocRates) {
    double best = n_lesions > 0 ? 0 : nan;
    for (size_t k = 0; k < r.fp_per_image.size(); ++k)
      if (r.fp_per_image[k] <= rate && r.sensitivity[k] > best) best = r.sensitivity[k];
    r.sensitivity_at.push_back(best);
  }
  r.mean_sensitivity = std::accumulate(r.sensitivity_at.begin(), r.sensitivity_at.end(), 0.0) /
                       static_cast<double>(r.sensitivity_at.size());
  return r;
}

}  // namespace medcnn
