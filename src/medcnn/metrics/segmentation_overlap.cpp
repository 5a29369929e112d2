#include "medcnn/metrics/segmentation_overlap.h"

#include <limits>

namespace medcnn {

namespace {

double ratio_or_nan(int64_t num, int64_t den) {
  return den == 0 ? std::numeric_limits<double>::quiet_NaN()
                  : static_cast<double>(num) / static_cast<double>(den);
}

}  // namespace

OverlapCounts overlap_counts(const int64_t* pred, const int64_t* ref, size_t n, int64_t cls,
                             int64_t ignore_label) {
  OverlapCounts c;
  for (size_t i = 0; i < n; ++i) {
    if (ref[i] == ignore_label) continue;
    const bool p = pred[i] == cls, r = ref[i] == cls;
    if (p && r)
      ++c.tp;
    else if (p)
      ++c.fp;
    else if (r)
      ++c.fn;
    else
      ++c.tn;
  }
  return c;
}

double dice(const OverlapCounts& c) {
  const int64_t den = 2 * c.tp + c.fp + c.fn;
  return den == 0 ? 1.0 : 2.0 * static_cast<double>(c.tp) / static_cast<double>(den);
}

double iou(const OverlapCounts& c) {
  const int64_t den = c.tp + c.fp + c.fn;
  return den == 0 ? 1.0 : static_cast<double>(c.tp) / static_cast<double>(den);
}

double sensitivity(const OverlapCounts& c) { return ratio_or_nan(c.tp, c.tp + c.fn); }
double specificity(const OverlapCounts& c) { return ratio_or_nan(c.tn, c.tn + c.fp); }
double precision(const OverlapCounts& c) { return ratio_or_nan(c.tp, c.tp + c.fp); }
double accuracy(const OverlapCounts& c) { return ratio_or_nan(c.tp + c.tn, c.total()); }

}  // namespace medcnn
