#include "medcnn/metrics/segmentation_evaluation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/metrics/rand_error.h"
#include "medcnn/metrics/roc.h"

namespace medcnn {

namespace {

using nlohmann::json;

const char* const kWhere = "evaluate_segmentation_case";

json value_or_null(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

bool is_surface_metric(const std::string& m) {
  return m == "hausdorff" || m == "hausdorff95" || m == "assd" || m == "masd";
}

void check_options(const SegmentationMetricOptions& o) {
  if (o.num_classes < 2)
    throw ConfigError(kWhere, "num_classes must be at least 2, got " +
                                  std::to_string(o.num_classes));
  if (o.ignore_label >= 0 && o.ignore_label < o.num_classes)
    throw ConfigError(kWhere, "ignore_label " + std::to_string(o.ignore_label) +
                                  " is a class label (num_classes = " +
                                  std::to_string(o.num_classes) + ")");
  const auto& allowed = segmentation_metric_names();
  for (const std::string& m : o.metrics)
    if (std::find(allowed.begin(), allowed.end(), m) == allowed.end()) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      throw ConfigError(kWhere, "unknown segmentation metric '" + m + "' (allowed: " + list + ")");
    }
}

void check_labels(const int64_t* labels, size_t n, const char* name,
                  const SegmentationMetricOptions& o) {
  for (size_t i = 0; i < n; ++i) {
    const int64_t v = labels[i];
    if ((v < 0 || v >= o.num_classes) && v != o.ignore_label) {
      std::ostringstream os;
      os << "label out of range: " << name << "[" << i << "] = " << v << " is not in [0, "
         << o.num_classes - 1 << "] nor the ignore_label " << o.ignore_label;
      throw DataError(kWhere, os.str());
    }
  }
}

double overlap_metric(const std::string& m, const OverlapCounts& c) {
  if (m == "dice") return dice(c);
  if (m == "iou") return iou(c);
  if (m == "sensitivity") return sensitivity(c);
  if (m == "specificity") return specificity(c);
  if (m == "precision") return precision(c);
  return accuracy(c);  // "accuracy"; names are checked before
}

double surface_metric(const std::string& m, const SurfaceDistances& d) {
  if (m == "hausdorff") return d.hausdorff;
  if (m == "hausdorff95") return d.hausdorff95;
  if (m == "assd") return d.assd;
  return d.masd;
}

json counts_json(const OverlapCounts& c) {
  return json{{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"tn", c.tn}};
}

double pixel_auc(const int64_t* ref, const float* prob, size_t n, int64_t ignore_label) {
  Labels y;
  Scores s;
  y.reserve(n);
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(prob[i])) {
      std::ostringstream os;
      os << "fg_probability[" << i << "] is " << (std::isnan(prob[i]) ? "NaN" : "infinite");
      throw DataError(kWhere, os.str());
    }
    if (ref[i] == ignore_label) continue;
    y.push_back(ref[i] == 1 ? 1 : 0);
    s.push_back(static_cast<double>(prob[i]));
  }
  if (y.empty()) return std::numeric_limits<double>::quiet_NaN();
  return roc_auc(y, s);  // NaN with one class only
}

// mean / sd (ddof 1) / n / n_undefined of the values (NaN = undefined).
json describe(const std::vector<double>& values) {
  double sum = 0;
  int64_t n = 0, undefined = 0;
  for (double v : values) {
    if (std::isnan(v)) {
      ++undefined;
    } else {
      sum += v;
      ++n;
    }
  }
  json out{{"mean", nullptr}, {"sd", nullptr}, {"n", n}, {"n_undefined", undefined}};
  if (n == 0) return out;
  const double mean = sum / static_cast<double>(n);
  out["mean"] = mean;
  if (n >= 2) {
    double ss = 0;
    for (double v : values)
      if (!std::isnan(v)) ss += (v - mean) * (v - mean);
    out["sd"] = std::sqrt(ss / static_cast<double>(n - 1));
  }
  return out;
}

double number_or_nan(const json& v, const std::string& what) {
  if (v.is_null()) return std::numeric_limits<double>::quiet_NaN();
  if (!v.is_number())
    throw DataError("summarize_segmentation", what + " is not a number or null");
  return v.get<double>();
}

int64_t count_of(const json& counts, const char* key, const std::string& what) {
  if (!counts.is_object() || !counts.contains(key) || !counts[key].is_number_integer())
    throw DataError("summarize_segmentation", what + " has no integer counts." + key);
  return counts[key].get<int64_t>();
}

}  // namespace

const std::vector<std::string>& segmentation_metric_names() {
  static const std::vector<std::string> names = {
      "dice", "iou", "sensitivity", "specificity", "precision", "accuracy",
      "hausdorff", "hausdorff95", "assd", "masd", "rand_error"};
  return names;
}

json evaluate_segmentation_case(const int64_t* pred_labels, const int64_t* ref_labels,
                                const Grid& grid, const SegmentationMetricOptions& options,
                                const float* fg_probability) {
  check_options(options);
  const size_t n = check_grid(grid, kWhere);
  check_labels(ref_labels, n, "ref", options);
  check_labels(pred_labels, n, "pred", options);

  const int64_t ignore = options.ignore_label;
  int64_t ignored = 0;
  for (size_t i = 0; i < n; ++i) ignored += ref_labels[i] == ignore;
  std::vector<uint8_t> roi;
  if (ignored > 0) {
    roi.resize(n);
    for (size_t i = 0; i < n; ++i) roi[i] = ref_labels[i] != ignore;
  }
  const bool want_surface =
      std::any_of(options.metrics.begin(), options.metrics.end(), is_surface_metric);
  const bool want_rand = std::find(options.metrics.begin(), options.metrics.end(), "rand_error") !=
                         options.metrics.end();

  json out;
  out["num_classes"] = options.num_classes;
  out["ignore_label"] = ignore;
  out["shape"] = grid.shape;
  std::vector<double> spacing(grid.shape.size());
  for (size_t a = 0; a < spacing.size(); ++a) spacing[a] = grid.spacing_of(a);
  out["spacing"] = spacing;
  out["voxels"] = n;
  out["ignored"] = ignored;
  json per_class = json::array();
  std::vector<uint8_t> pm, rm;
  for (int64_t c = options.include_background ? 0 : 1; c < options.num_classes; ++c) {
    const OverlapCounts counts = overlap_counts(pred_labels, ref_labels, n, c, ignore);
    SurfaceDistances sd;
    if (want_surface) {
      pm.resize(n);
      rm.resize(n);
      for (size_t i = 0; i < n; ++i) {
        pm[i] = pred_labels[i] == c;
        rm[i] = ref_labels[i] == c;
      }
      sd = surface_distances(pm.data(), rm.data(), grid, roi.empty() ? nullptr : roi.data());
    }
    double rand = 0;
    if (want_rand) {  // the class's connected components, the reference's ignored voxels out
      std::vector<uint8_t> pc(n), rc(n);
      for (size_t i = 0; i < n; ++i) {
        pc[i] = pred_labels[i] == c && ref_labels[i] != ignore;
        rc[i] = ref_labels[i] == c;
      }
      std::vector<int64_t> pred_objects, ref_objects;
      label_components(pc.data(), grid, pred_objects);
      label_components(rc.data(), grid, ref_objects);
      rand = adapted_rand_error(ref_objects.data(), pred_objects.data(), n).error;
    }
    json e;
    e["class"] = c;
    for (const std::string& m : options.metrics)
      e[m] = value_or_null(m == "rand_error"        ? rand
                           : is_surface_metric(m) ? surface_metric(m, sd)
                                                  : overlap_metric(m, counts));
    e["pred_empty"] = counts.tp + counts.fp == 0;
    e["ref_empty"] = counts.tp + counts.fn == 0;
    e["counts"] = counts_json(counts);
    per_class.push_back(std::move(e));
  }
  out["per_class"] = std::move(per_class);
  if (options.num_classes == 2 && options.auc && fg_probability != nullptr)
    out["auc"] = value_or_null(pixel_auc(ref_labels, fg_probability, n, ignore));
  return out;
}

json summarize_segmentation(const std::vector<json>& cases) {
  const char* where = "summarize_segmentation";
  struct ClassAcc {
    std::map<std::string, std::vector<double>> values;
    OverlapCounts counts;
  };
  std::map<int64_t, ClassAcc> classes;
  std::vector<double> aucs;
  for (size_t i = 0; i < cases.size(); ++i) {
    const json& c = cases[i];
    const std::string what = "case " + std::to_string(i);
    if (!c.is_object() || !c.contains("per_class") || !c["per_class"].is_array())
      throw DataError(where, what + " has no per_class array (not an "
                                    "evaluate_segmentation_case result)");
    for (const json& e : c["per_class"]) {
      if (!e.is_object() || !e.contains("class") || !e["class"].is_number_integer())
        throw DataError(where, what + ": a per_class entry has no integer \"class\"");
      const std::string w = what + " class " + std::to_string(e["class"].get<int64_t>());
      ClassAcc& acc = classes[e["class"].get<int64_t>()];
      for (const std::string& m : segmentation_metric_names())
        if (e.contains(m)) acc.values[m].push_back(number_or_nan(e[m], w + " " + m));
      if (!e.contains("counts"))
        throw DataError(where, w + " has no counts");
      OverlapCounts oc;
      oc.tp = count_of(e["counts"], "tp", w);
      oc.fp = count_of(e["counts"], "fp", w);
      oc.fn = count_of(e["counts"], "fn", w);
      oc.tn = count_of(e["counts"], "tn", w);
      acc.counts += oc;
    }
    if (c.contains("auc")) aucs.push_back(number_or_nan(c["auc"], what + " auc"));
  }
  json out;
  out["cases"] = cases.size();
  json per_class = json::array();
  for (const auto& [cls, acc] : classes) {
    json e;
    e["class"] = cls;
    for (const std::string& m : segmentation_metric_names()) {  // in the canonical order
      const auto it = acc.values.find(m);
      if (it != acc.values.end()) e[m] = describe(it->second);
    }
    e["counts"] = counts_json(acc.counts);
    json g;
    for (const char* m : {"dice", "iou", "sensitivity", "specificity", "precision", "accuracy"})
      g[m] = value_or_null(overlap_metric(m, acc.counts));
    e["global"] = std::move(g);
    per_class.push_back(std::move(e));
  }
  out["per_class"] = std::move(per_class);
  if (!aucs.empty()) out["auc"] = describe(aucs);
  return out;
}

}  // namespace medcnn
