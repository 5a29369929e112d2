#include "medcnn/metrics/localization.h"

#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/metrics/detection.h"

namespace medcnn {

LocalizationResult evaluate_localization(const std::vector<Box>& predicted,
                                         const std::vector<Box>& truth,
                                         const std::vector<std::array<double, 3>>& spacing_mm,
                                         bool require_class) {
  const std::string where = "evaluate_localization";
  if (predicted.size() != truth.size()) {
    std::ostringstream os;
    os << "mismatched lengths: predicted has " << predicted.size() << " boxes but truth has "
       << truth.size();
    throw DataError(where, os.str());
  }
  if (predicted.empty()) throw DataError(where, "empty input: no images to evaluate");
  if (!spacing_mm.empty() && spacing_mm.size() != predicted.size()) {
    std::ostringstream os;
    os << "spacing_mm has " << spacing_mm.size() << " entries for " << predicted.size()
       << " images (give one per image, or none for 1 mm)";
    throw DataError(where, os.str());
  }
  const int dims = predicted[0].dims;
  LocalizationResult r;
  const size_t n = predicted.size();
  size_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    metrics_detail::check_box(where, "predicted", i, 0, predicted[i], dims);
    metrics_detail::check_box(where, "truth", i, 0, truth[i], dims);
    if (!spacing_mm.empty())
      for (int a = 0; a < dims; ++a) {
        const double s = spacing_mm[i][static_cast<size_t>(a)];
        if (!(std::isfinite(s) && s > 0)) {
          std::ostringstream os;
          os << "spacing_mm[" << i << "] on axis " << "xyz"[a] << " is " << s
             << " (must be finite and > 0)";
          throw DataError(where, os.str());
        }
      }
    const double iou = box_iou(predicted[i], truth[i]);
    const auto cp = predicted[i].centre(), ct = truth[i].centre();
    double px = 0, mm = 0;
    for (int a = 0; a < dims; ++a) {
      const double d = cp[static_cast<size_t>(a)] - ct[static_cast<size_t>(a)];
      const double s = spacing_mm.empty() ? 1.0 : spacing_mm[i][static_cast<size_t>(a)];
      px += d * d;
      mm += (d * s) * (d * s);
    }
    r.iou.push_back(iou);
    r.centroid_error_px.push_back(std::sqrt(px));
    r.centroid_error_mm.push_back(std::sqrt(mm));
    if (iou >= 0.5 && (!require_class || predicted[i].label == truth[i].label)) ++correct;
  }
  auto mean = [n](const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x;
    return s / static_cast<double>(n);
  };
  r.accuracy = static_cast<double>(correct) / static_cast<double>(n);
  r.mean_iou = mean(r.iou);
  r.mean_centroid_error_px = mean(r.centroid_error_px);
  r.mean_centroid_error_mm = mean(r.centroid_error_mm);
  return r;
}

}  // namespace medcnn
