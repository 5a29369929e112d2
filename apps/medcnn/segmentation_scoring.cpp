#include "medcnn/segmentation_scoring.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/labels.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"
#include "medcnn/metrics/referral.h"
#include "medcnn/metrics/roc.h"
#include "medcnn/metrics/segmentation_evaluation.h"
#include "medcnn/report/overlay.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace medcnn::cli {
namespace {

std::string cell(const json& v) {
  if (!v.is_number()) return "";
  std::ostringstream s;
  s.precision(8);
  s << v.get<double>();
  return s.str();
}

}  // namespace

json score_segmentations(const std::vector<SegmentationCase>& cases, int64_t num_classes,
                         const std::vector<std::string>& classes, const std::string& out_dir,
                         const SegmentationReportOptions& report) {
  if (cases.empty()) throw DataError("evaluate", "no cases to score");
  SegmentationMetricOptions mo;
  mo.num_classes = num_classes;
  mo.ignore_label = kIgnoreLabel;
  mo.metrics.push_back("rand_error");  // the ISBI 2012 score of each class's objects
  std::vector<json> per_case;
  std::vector<int64_t> pooled_labels;
  std::vector<double> pooled_scores, pooled_entropy;
  std::vector<int> pooled_correct;
  for (const auto& c : cases) {
    if (!c.reference.sizes().equals(c.prediction.sizes()))
      throw GeometryError(c.id, "prediction and reference lie on different grids");
    at::Tensor ref = c.reference.to(torch::kLong).contiguous();
    at::Tensor pred = c.prediction.to(torch::kLong).contiguous();
    Grid grid;
    grid.shape.assign(ref.sizes().begin(), ref.sizes().end());
    for (size_t a = grid.shape.size(); a-- > 0;) grid.spacing.push_back(c.image.geometry.spacing[a]);
    at::Tensor prob;
    if (c.probability.defined() && num_classes == 2) {
      prob = c.probability.to(torch::kFloat).contiguous();
      if (!prob.sizes().equals(ref.sizes()))
        throw GeometryError(c.id, "probability map and reference lie on different grids");
    }
    json j = evaluate_segmentation_case(pred.data_ptr<int64_t>(), ref.data_ptr<int64_t>(), grid, mo,
                                        prob.defined() ? prob.data_ptr<float>() : nullptr);
    j["id"] = c.id;
    per_case.push_back(j);
    if (prob.defined()) {
      at::Tensor valid = ref.ne(kIgnoreLabel);
      at::Tensor l = ref.masked_select(valid).contiguous();
      at::Tensor s = prob.masked_select(valid).to(torch::kDouble).contiguous();
      pooled_labels.insert(pooled_labels.end(), l.data_ptr<int64_t>(), l.data_ptr<int64_t>() + l.numel());
      pooled_scores.insert(pooled_scores.end(), s.data_ptr<double>(), s.data_ptr<double>() + s.numel());
      at::Tensor ok = pred.masked_select(valid).eq(l).to(torch::kInt).contiguous();
      pooled_correct.insert(pooled_correct.end(), ok.data_ptr<int>(), ok.data_ptr<int>() + ok.numel());
      at::Tensor q = s.clamp(1e-12, 1 - 1e-12);
      at::Tensor h = (-(q * q.log() + (1 - q) * (1 - q).log())).contiguous();
      pooled_entropy.insert(pooled_entropy.end(), h.data_ptr<double>(), h.data_ptr<double>() + h.numel());
    }
  }
  json evaluation{{"task", "segmentation"}, {"cases", per_case},
                  {"summary", summarize_segmentation(per_case)}};
  if (!classes.empty()) evaluation["classes"] = classes;
  double auc = NAN;
  if (!pooled_labels.empty()) {
    try {
      auc = roc_auc(pooled_labels, pooled_scores);
    } catch (const DataError&) {
    }
  }
  evaluation["auc"] = std::isfinite(auc) ? json(auc) : json();
  if (!pooled_correct.empty()) {
    // Pixel referral: the pixels of highest predictive entropy go to a human.
    const ReferralCurve r = referral_curve(pooled_correct, pooled_entropy);
    const double all = double(std::accumulate(pooled_correct.begin(), pooled_correct.end(), 0L)) /
                       double(pooled_correct.size());
    const double at10 = accuracy_at_referral(pooled_correct, pooled_entropy, 0.10);
    evaluation["uncertainty"] = {
        {"pixels", pooled_correct.size()},
        {"unit", "pixels"},
        {"accuracy", all},
        {"referral", {{"entropy", {{"retained_fraction", r.retained_fraction},
                                   {"accuracy", r.accuracy},
                                   {"accuracy_refer_10", at10},
                                   {"gain_refer_10", at10 - all}}}}}};
  }

  fs::create_directories(out_dir);
  write_file_atomically(out_dir + "/evaluation.json", evaluation.dump(2) + "\n");
  // cases.csv: one row per case and class.
  const auto& names = segmentation_metric_names();
  std::ostringstream csv;
  csv << "id,class";
  for (const auto& m : names) csv << "," << m;
  csv << ",auc\n";
  for (const auto& c : per_case)
    for (const auto& pc : c["per_class"]) {
      csv << csv_quote(c["id"].get<std::string>()) << "," << pc["class"].get<int64_t>();
      for (const auto& m : names) csv << "," << (pc.contains(m) ? cell(pc[m]) : "");
      csv << "," << (c.contains("auc") ? cell(c["auc"]) : "") << "\n";
    }
  write_file_atomically(out_dir + "/cases.csv", csv.str());

  // Overlays: the 3 best and 3 worst cases by mean Dice over the classes.
  std::vector<std::pair<double, size_t>> order;
  for (size_t i = 0; i < per_case.size(); ++i) {
    double sum = 0;
    int n = 0;
    for (const auto& pc : per_case[i]["per_class"])
      if (pc.contains("dice") && pc["dice"].is_number()) {
        sum += pc["dice"].get<double>();
        ++n;
      }
    order.push_back({n ? sum / n : NAN, i});
  }
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (std::isnan(a.first)) return false;
    if (std::isnan(b.first)) return true;
    return a.first > b.first;
  });
  std::vector<size_t> shown;
  for (size_t i = 0; i < order.size() && i < 3; ++i) shown.push_back(order[i].second);
  for (size_t i = order.size(); i-- > 0 && shown.size() < 6;)
    if (std::find(shown.begin(), shown.end(), order[i].second) == shown.end())
      shown.push_back(order[i].second);
  std::vector<OverlayPicture> pictures;
  for (size_t k = 0; k < shown.size(); ++k) {
    const auto& c = cases[shown[k]];
    const auto& o = order[std::find_if(order.begin(), order.end(),
                                       [&](const auto& p) { return p.second == shown[k]; }) -
                          order.begin()];
    const int64_t extent = c.image.spatial_shape().back();
    const int64_t zoom = extent < 128 ? std::max<int64_t>(1, 128 / extent) : 1;
    std::ostringstream cap;
    cap << (k < 3 ? "best: " : "worst: ") << c.id << ", Dice "
        << (std::isnan(o.first) ? std::string("n/a") : cell(json(o.first)));
    pictures.push_back({cap.str(), segmentation_overlay(c.image, c.reference, c.prediction, zoom)});
  }
  write_segmentation_report(out_dir + "/report.html", evaluation, pictures, report);
  return evaluation;
}

}  // namespace medcnn::cli
