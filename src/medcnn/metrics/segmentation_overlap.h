// Voxel-overlap metrics of one class of a label map (plain arrays, no torch).
//
// overlap_counts(pred, ref, n, cls, ignore_label): the confusion counts of
// class `cls` over n voxels; a voxel whose ref == ignore_label is left out
// entirely (counted nowhere); elsewhere pred == cls / ref == cls make a voxel
// predicted / truly positive. Counts add across cases (operator+=), which
// gives the pooled ("global") metrics of DRIVE-style papers that pool the
// pixels of every image.
//
// The metrics of a set of counts, with their empty-mask conventions:
//   dice        2TP / (2TP + FP + FN); 1 when ref and pred are both empty for
//               the class (TP + FP + FN = 0), so 0 when exactly one is empty
//   iou         TP / (TP + FP + FN) (Jaccard); 1 when both empty, 0 when one is
//   sensitivity TP / (TP + FN); NaN when ref is empty (no positives)
//   specificity TN / (TN + FP); NaN when there are no negatives
//   precision   TP / (TP + FP); NaN when pred is empty
//   accuracy    (TP + TN) / (TP + FP + FN + TN); NaN when no voxel counts
// No errors: values are not checked here (segmentation_evaluation.h checks labels).
#pragma once
#include <cstddef>
#include <cstdint>

namespace medcnn {

struct OverlapCounts {
  int64_t tp = 0, fp = 0, fn = 0, tn = 0;
  int64_t total() const { return tp + fp + fn + tn; }
  OverlapCounts& operator+=(const OverlapCounts& o) {
    tp += o.tp;
    fp += o.fp;
    fn += o.fn;
    tn += o.tn;
    return *this;
  }
};

OverlapCounts overlap_counts(const int64_t* pred, const int64_t* ref, size_t n, int64_t cls,
                             int64_t ignore_label);

double dice(const OverlapCounts& c);
double iou(const OverlapCounts& c);
double sensitivity(const OverlapCounts& c);
double specificity(const OverlapCounts& c);
double precision(const OverlapCounts& c);
double accuracy(const OverlapCounts& c);

}  // namespace medcnn
