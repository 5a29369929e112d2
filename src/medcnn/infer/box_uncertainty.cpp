#include "medcnn/infer/box_uncertainty.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/metrics/detection.h"
#include "medcnn/metrics/uncertainty.h"

namespace medcnn {
namespace {

double binary_entropy(double p) {
  p = std::clamp(p, 0.0, 1.0);
  double h = 0;
  if (p > 0) h -= p * std::log(p);
  if (p < 1) h -= (1 - p) * std::log(1 - p);
  return h;
}

// sqrt of the mean over the edges of the population variance of the members' edges.
double edge_sd(const std::vector<Box>& members) {
  if (members.size() < 2) return 0.0;
  const int dims = members[0].dims;
  double sum = 0;
  for (int a = 0; a < dims; ++a)
    for (int side = 0; side < 2; ++side) {
      double m = 0, m2 = 0;
      for (const Box& b : members) {
        const double v = side ? b.hi[a] : b.lo[a];
        m += v;
        m2 += v * v;
      }
      m /= double(members.size());
      sum += std::max(0.0, m2 / double(members.size()) - m * m);
    }
  return std::sqrt(sum / double(2 * dims));
}

}  // namespace

double BoxUncertainty::get(const std::string& name) const {
  if (name == "entropy") return entropy;
  if (name == "mutual_information") return mutual_information;
  if (name == "variance") return variance;
  if (name == "disagreement") return disagreement;
  if (name == "box_sd") return box_sd;
  throw ConfigError("uncertainty", "unknown box uncertainty measure '" + name + "'");
}

const std::vector<std::string>& box_uncertainty_columns(const std::string& task,
                                                        size_t num_classes) {
  static const std::vector<std::string> localization{"entropy", "mutual_information", "variance",
                                                     "box_sd"};
  static const std::vector<std::string> one_class{"box_sd"};
  if (task == "localization" && num_classes < 2) return one_class;
  static const std::vector<std::string> detection{"entropy", "mutual_information", "variance",
                                                  "disagreement", "box_sd"};
  return task == "detection" ? detection : localization;
}

std::vector<Box> flip_boxes(std::vector<Box> boxes, const std::vector<int64_t>& axes,
                            const std::vector<int64_t>& size) {
  for (Box& b : boxes)
    for (int64_t t : axes) {
      const int64_t a = int64_t(size.size()) - 1 - t;  // box axis: x = last tensor axis
      if (t < 0 || a < 0 || a >= b.dims)
        throw DataError("flip_boxes", "flip axis " + std::to_string(t) + " is not a spatial axis of a " +
                                          std::to_string(b.dims) + "-D box");
      const double n = double(size[t]), lo = b.lo[a];
      b.lo[a] = n - b.hi[a];
      b.hi[a] = n - lo;
    }
  return boxes;
}

FusedBox fuse_localizations(const std::vector<Box>& boxes, const Probabilities& probabilities) {
  if (boxes.empty() || boxes.size() != probabilities.size())
    throw DataError("localization samples", "need one box and one probability row per sample (" +
                                                std::to_string(boxes.size()) + " boxes, " +
                                                std::to_string(probabilities.size()) + " rows)");
  const size_t s = boxes.size(), k = probabilities[0].size();
  FusedBox f;
  f.probabilities.assign(k, 0.0);
  for (const auto& row : probabilities) {
    if (row.size() != k) throw DataError("localization samples", "probability rows differ in width");
    for (size_t c = 0; c < k; ++c) f.probabilities[c] += row[c] / double(s);
  }
  f.box = boxes[0];
  for (int a = 0; a < 3; ++a) {
    double lo = 0, hi = 0;
    for (const Box& b : boxes) {
      if (b.dims != f.box.dims) throw DataError("localization samples", "boxes of different dimensions");
      lo += b.lo[a];
      hi += b.hi[a];
    }
    f.box.lo[a] = lo / double(s);
    f.box.hi[a] = hi / double(s);
  }
  const int label =
      int(std::max_element(f.probabilities.begin(), f.probabilities.end()) - f.probabilities.begin());
  f.box.label = label;
  f.box.score = float(f.probabilities[label]);
  f.uncertainty.box_sd = edge_sd(boxes);
  if (k >= 2) {
    const PredictiveSummary u = summarize_samples(probabilities);
    f.uncertainty.entropy = u.entropy;
    if (s > 1) {
      f.uncertainty.mutual_information = u.mutual_information;
      f.uncertainty.variance = u.variance;
    }
  }
  return f;
}

std::vector<FusedBox> fuse_detections(const std::vector<std::vector<Box>>& samples,
                                      double iou_threshold) {
  if (samples.empty()) throw DataError("detection samples", "no samples to fuse");
  const size_t n_samples = samples.size();
  struct Entry {
    size_t sample, index;
    const Box* box;
  };
  std::vector<Entry> all;
  for (size_t s = 0; s < n_samples; ++s)
    for (size_t i = 0; i < samples[s].size(); ++i) all.push_back({s, i, &samples[s][i]});
  std::stable_sort(all.begin(), all.end(),
                   [](const Entry& a, const Entry& b) { return a.box->score > b.box->score; });
  struct Cluster {
    std::vector<Entry> members;
    std::vector<bool> has;
  };
  std::vector<Cluster> clusters;
  for (const Entry& e : all) {
    if (e.box->dims != all[0].box->dims)
      throw DataError("detection samples", "boxes of different dimensions");
    int best = -1;  // ties go to the earlier (higher-scored) cluster
    double best_iou = -1;
    for (size_t c = 0; c < clusters.size(); ++c) {
      const Box& top = *clusters[c].members[0].box;
      if (top.label != e.box->label || clusters[c].has[e.sample]) continue;
      const double v = box_iou(top, *e.box);
      if (v >= iou_threshold && v > best_iou) best = int(c), best_iou = v;
    }
    if (best < 0) {
      clusters.push_back({{}, std::vector<bool>(n_samples, false)});
      best = int(clusters.size()) - 1;
    }
    clusters[best].members.push_back(e);
    clusters[best].has[e.sample] = true;
  }
  std::vector<FusedBox> out;
  for (const Cluster& c : clusters) {
    FusedBox f;
    f.box = *c.members[0].box;
    double weight = 0;
    std::vector<Box> boxes;
    for (const Entry& m : c.members) {
      weight += m.box->score;
      boxes.push_back(*m.box);
    }
    for (int a = 0; a < f.box.dims; ++a) {
      double lo = 0, hi = 0;
      for (const Entry& m : c.members) {
        const double w = weight > 0 ? m.box->score / weight : 1.0 / double(c.members.size());
        lo += w * m.box->lo[a];
        hi += w * m.box->hi[a];
      }
      f.box.lo[a] = lo;
      f.box.hi[a] = hi;
    }
    // Per-sample scores, 0 where the sample does not hold the box.
    std::vector<double> p(n_samples, 0.0);
    for (const Entry& m : c.members) p[m.sample] = m.box->score;
    const double mean = std::accumulate(p.begin(), p.end(), 0.0) / double(n_samples);
    double h = 0, var = 0;
    for (double v : p) {
      h += binary_entropy(v) / double(n_samples);
      var += (v - mean) * (v - mean) / double(n_samples);
    }
    f.box.score = float(mean);
    f.uncertainty.entropy = binary_entropy(mean);
    f.uncertainty.mutual_information = std::max(0.0, f.uncertainty.entropy - h);
    f.uncertainty.variance = var;
    f.uncertainty.disagreement = 1.0 - double(c.members.size()) / double(n_samples);
    f.uncertainty.box_sd = edge_sd(boxes);
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FusedBox& a, const FusedBox& b) { return a.box.score > b.box.score; });
  return out;
}

}  // namespace medcnn
