#include "medcnn/metrics/detection.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// numpy.linspace(start, stop, num): i * ((stop - start) / (num - 1)) + start,
// the last value set to stop exactly (the rounding matters for searchsorted).
std::vector<double> linspace(double start, double stop, int num) {
  std::vector<double> v(static_cast<size_t>(num));
  const double step = (stop - start) / (num - 1);
  for (int i = 0; i < num; ++i) v[static_cast<size_t>(i)] = i * step + start;
  v.back() = stop;
  return v;
}

// Indices of the boxes with this label, by descending score (stable), at most
// max_detections of them (0: all).
std::vector<size_t> ranked(const std::vector<Box>& boxes, int label, int max_detections) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < boxes.size(); ++i)
    if (boxes[i].label == label) idx.push_back(i);
  std::stable_sort(idx.begin(), idx.end(),
                   [&](size_t a, size_t b) { return boxes[a].score > boxes[b].score; });
  if (max_detections > 0 && idx.size() > static_cast<size_t>(max_detections))
    idx.resize(static_cast<size_t>(max_detections));
  return idx;
}

double mean_of_defined(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v)
    if (!std::isnan(x)) {
      sum += x;
      ++n;
    }
  return n ? sum / n : kNaN;
}

}  // namespace

namespace metrics_detail {

void check_box(const std::string& where, const std::string& list, size_t image, size_t k,
               const Box& b, int dims) {
  auto fail = [&](const std::string& what) {
    std::ostringstream os;
    os << list << "[" << image << "] box " << k << ": " << what;
    throw DataError(where, os.str());
  };
  if (b.dims < 1 || b.dims > 3) fail("dims must be 1, 2 or 3, got " + std::to_string(b.dims));
  if (dims > 0 && b.dims != dims)
    fail("is " + std::to_string(b.dims) + "-D but other boxes are " + std::to_string(dims) + "-D");
  for (int a = 0; a < b.dims; ++a) {
    if (!std::isfinite(b.lo[a]) || !std::isfinite(b.hi[a]))
      fail(std::string("coordinate on axis ") + "xyz"[a] + " is " +
           (std::isnan(b.lo[a]) || std::isnan(b.hi[a]) ? "NaN" : "infinite"));
    if (b.hi[a] < b.lo[a]) {
      std::ostringstream os;
      os << "negative size on axis " << "xyz"[a] << " (min " << b.lo[a] << ", max " << b.hi[a]
         << ")";
      fail(os.str());
    }
  }
  if (!std::isfinite(b.score)) fail(std::isnan(b.score) ? "score is NaN" : "score is infinite");
}

int check_boxes_per_image(const std::string& where, const BoxesPerImage& predictions,
                          const BoxesPerImage& ground_truth, int num_classes) {
  if (predictions.size() != ground_truth.size()) {
    std::ostringstream os;
    os << "mismatched lengths: predictions cover " << predictions.size()
       << " images but ground_truth covers " << ground_truth.size();
    throw DataError(where, os.str());
  }
  if (predictions.empty()) throw DataError(where, "empty input: no images to evaluate");
  int dims = 0;
  for (const auto* list : {&predictions, &ground_truth}) {
    const char* name = list == &predictions ? "predictions" : "ground_truth";
    for (size_t i = 0; i < list->size(); ++i)
      for (size_t k = 0; k < (*list)[i].size(); ++k) {
        const Box& b = (*list)[i][k];
        check_box(where, name, i, k, b, dims);
        dims = b.dims;
        if (num_classes > 0 && (b.label < 0 || b.label >= num_classes)) {
          std::ostringstream os;
          os << name << "[" << i << "] box " << k << ": label " << b.label << " is not in [0, "
             << num_classes - 1 << "]";
          throw DataError(where, os.str());
        }
      }
  }
  return dims ? dims : 2;
}

}  // namespace metrics_detail

double box_iou(const Box& a, const Box& b) {
  if (a.dims != b.dims)
    throw DataError("box_iou", "boxes of different dimensions (" + std::to_string(a.dims) +
                                   "-D and " + std::to_string(b.dims) + "-D)");
  if (a.dims < 1 || a.dims > 3)
    throw DataError("box_iou", "dims must be 1, 2 or 3, got " + std::to_string(a.dims));
  double inter = 1;
  for (int i = 0; i < a.dims; ++i) {
    const double w = std::min(a.hi[i], b.hi[i]) - std::max(a.lo[i], b.lo[i]);
    inter *= std::max(0.0, w);
  }
  const double uni = a.volume() + b.volume() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

std::vector<double> coco_iou_thresholds() { return linspace(0.5, 0.95, 10); }

DetectionMatch match_detections(const BoxesPerImage& predictions, const BoxesPerImage& ground_truth,
                                int label, double iou_threshold, int max_detections) {
  const std::string where = "match_detections";
  if (!(iou_threshold >= 0 && iou_threshold <= 1))
    throw DataError(where, "iou_threshold must be in [0, 1], got " + std::to_string(iou_threshold));
  if (max_detections < 0)
    throw DataError(where, "max_detections must be >= 0, got " + std::to_string(max_detections));
  metrics_detail::check_boxes_per_image(where, predictions, ground_truth, 0);

  // pycocotools caps the threshold just below 1 so that IoU 1 still matches.
  const double threshold = std::min(iou_threshold, 1 - 1e-10);
  std::vector<double> scores;
  std::vector<int> tp;
  DetectionMatch m;
  for (size_t i = 0; i < predictions.size(); ++i) {
    const auto& preds = predictions[i];
    const auto& gts = ground_truth[i];
    std::vector<size_t> gt_idx;
    for (size_t g = 0; g < gts.size(); ++g)
      if (gts[g].label == label) gt_idx.push_back(g);
    m.n_ground_truth += static_cast<int64_t>(gt_idx.size());
    std::vector<char> taken(gt_idx.size(), 0);
    for (size_t d : ranked(preds, label, max_detections)) {
      double best = threshold;
      int match = -1;
      for (size_t g = 0; g < gt_idx.size(); ++g) {
        if (taken[g]) continue;
        const double iou = box_iou(preds[d], gts[gt_idx[g]]);
        if (iou < best) continue;
        best = iou;  // >=: a later ground truth with the same IoU wins (pycocotools)
        match = static_cast<int>(g);
      }
      if (match >= 0) taken[static_cast<size_t>(match)] = 1;
      scores.push_back(preds[d].score);
      tp.push_back(match >= 0 ? 1 : 0);
    }
  }
  std::vector<size_t> order(scores.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return scores[a] > scores[b]; });
  m.tp.reserve(order.size());
  m.scores.reserve(order.size());
  for (size_t k : order) {
    m.tp.push_back(tp[k]);
    m.scores.push_back(scores[k]);
  }
  return m;
}

ApResult average_precision(const DetectionMatch& m, const std::string& method) {
  if (method != "coco101" && method != "voc_all")
    throw ConfigError("average_precision",
                      "unknown method '" + method + "' (expected 'coco101' or 'voc_all')");
  if (m.tp.size() != m.scores.size())
    throw DataError("average_precision", "the match has " + std::to_string(m.tp.size()) +
                                             " TP flags but " + std::to_string(m.scores.size()) +
                                             " scores");
  ApResult r;
  const size_t n = m.tp.size();
  const double n_gt = static_cast<double>(m.n_ground_truth);
  double tps = 0;
  for (size_t i = 0; i < n; ++i) {
    tps += m.tp[i] ? 1 : 0;
    r.precision.push_back(tps / static_cast<double>(i + 1));
    r.recall.push_back(m.n_ground_truth > 0 ? tps / n_gt : kNaN);
  }
  if (m.n_ground_truth <= 0) {
    r.ap = kNaN;
    return r;
  }
  std::vector<double> envelope = r.precision;  // max precision at this rank or later
  for (size_t i = n; i-- > 1;) envelope[i - 1] = std::max(envelope[i - 1], envelope[i]);

  if (method == "coco101") {
    double sum = 0;
    size_t rank = 0;
    for (double level : linspace(0.0, 1.0, 101)) {
      while (rank < n && r.recall[rank] < level) ++rank;  // searchsorted(side="left")
      if (rank == n) break;                                // recall never reaches level: 0
      sum += envelope[rank];
    }
    r.ap = sum / 101;
  } else {
    double area = 0, previous = 0;
    for (size_t i = 0; i < n; ++i) {
      if (r.recall[i] != previous) area += (r.recall[i] - previous) * envelope[i];
      previous = r.recall[i];
    }
    r.ap = area;
  }
  return r;
}

DetectionEvaluation evaluate_detections(const BoxesPerImage& predictions,
                                        const BoxesPerImage& ground_truth, int num_classes,
                                        int max_detections) {
  const std::string where = "evaluate_detections";
  if (num_classes < 1)
    throw DataError(where, "num_classes must be at least 1, got " + std::to_string(num_classes));
  if (max_detections < 1)
    throw DataError(where, "max_detections must be >= 1, got " + std::to_string(max_detections));
  metrics_detail::check_boxes_per_image(where, predictions, ground_truth, num_classes);

  const std::vector<double> thresholds = coco_iou_thresholds();
  DetectionEvaluation e;
  for (int c = 0; c < num_classes; ++c) {
    double sum = 0;
    double ap50 = kNaN;
    for (size_t t = 0; t < thresholds.size(); ++t) {
      const DetectionMatch m =
          match_detections(predictions, ground_truth, c, thresholds[t], max_detections);
      const double ap = average_precision(m, "coco101").ap;
      sum += ap;
      if (t == 0) {
        ap50 = ap;
        const double tps = std::accumulate(m.tp.begin(), m.tp.end(), 0.0);
        e.precision50.push_back(m.tp.empty() ? kNaN : tps / static_cast<double>(m.tp.size()));
        e.recall50.push_back(m.n_ground_truth > 0 ? tps / static_cast<double>(m.n_ground_truth)
                                                  : kNaN);
      }
    }
    e.ap50.push_back(ap50);
    e.ap50_95.push_back(sum / static_cast<double>(thresholds.size()));  // NaN stays NaN
  }
  e.map50 = mean_of_defined(e.ap50);
  e.map50_95 = mean_of_defined(e.ap50_95);
  return e;
}

}  // namespace medcnn
