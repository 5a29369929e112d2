#include "medcnn/detection_run.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/runtime.h"
#include "medcnn/infer/mc_dropout.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"
#include "medcnn/localization_run.h"
#include "medcnn/metrics/detection.h"
#include "medcnn/report/detection_report.h"
#include "medcnn/report/overlay.h"
#include "medcnn/tasks/detection.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {
namespace {

int64_t zoom_for(const Image& image) {
  const int64_t w = image.data.size(-1);
  return std::max<int64_t>(1, 320 / std::max<int64_t>(1, w));
}

std::vector<Box> above(const std::vector<Box>& boxes, double score) {
  std::vector<Box> out;
  for (const Box& b : boxes)
    if (b.score >= score) out.push_back(b);
  return out;
}

}  // namespace

std::vector<DetectedCase> run_detection(const std::vector<NetworkPtr>& models,
                                        const nlohmann::json& meta, const DatasetPtr& data,
                                        const std::string& device, double score_threshold,
                                        const std::string& draw_dir, double draw_score,
                                        const BoxSampling& sampling) {
  const auto classes = meta.value("classes", std::vector<std::string>{});
  const int dims = int(models.at(0)->spec().spatial_dims);
  DetectionOptions o = DetectionOptions::from_json(
      meta.value("detection", nlohmann::json::object()), classes, dims);
  if (score_threshold >= 0) o.score_threshold = score_threshold;
  BoxModelRunner run(models, meta, device, sampling);
  DetectionOptions per_sample = o;  // a fused box needs its samples' low-score tail
  if (run.samples() > 1) per_sample.score_threshold = std::min(o.score_threshold, 0.01);
  if (!draw_dir.empty()) fs::create_directories(draw_dir);
  std::vector<DetectedCase> out;
  for (size_t i = 0; i < data->size(); ++i) {
    Sample s = data->get(i);
    DetectedCase c;
    c.id = s.id;
    c.truth = s.boxes;
    const Image original = draw_dir.empty() ? Image() : s.image;
    BoxModelPass p = run(std::move(s));
    std::vector<std::vector<Box>> samples;
    for (size_t t = 0; t < p.outputs.size(); ++t)
      samples.push_back(sample_boxes(p, t, [&](const at::Tensor& y) {
        return decode_detections(y, int64_t(classes.size()), p.size, per_sample)[0];
      }));
    c.samples = int64_t(samples.size());
    for (FusedBox& f : fuse_detections(samples, o.nms_iou)) {
      if (f.box.score < o.score_threshold || int64_t(c.boxes.size()) >= o.max_detections) continue;
      c.boxes.push_back(f.box);
      c.uncertainty.push_back(f.uncertainty);
    }
    if (!draw_dir.empty() && dims >= 2)
      write_image((fs::path(draw_dir) / (c.id + "_boxes.png")).string(),
                  box_overlay(original, {}, above(c.boxes, draw_score), classes,
                              zoom_for(original)));
    out.push_back(std::move(c));
  }
  return out;
}

void write_detections(const std::vector<DetectedCase>& cases,
                      const std::vector<std::string>& classes, const std::string& csv_path) {
  std::vector<std::string> ids;
  std::vector<std::vector<Box>> boxes;
  std::vector<std::vector<BoxUncertainty>> uncertainty;
  bool sampled = false;
  for (const auto& c : cases) {
    ids.push_back(c.id);
    boxes.push_back(c.boxes);
    uncertainty.push_back(c.uncertainty);
    sampled = sampled || c.samples > 1;
  }
  write_box_predictions(ids, boxes, classes, csv_path, sampled ? &uncertainty : nullptr,
                        "detection");
}

nlohmann::json evaluate_detection_run(const std::vector<NetworkPtr>& models,
                                      const nlohmann::json& meta, const DatasetPtr& data,
                                      const std::string& device, const std::string& out_dir,
                                      const std::string& model_path, int pictures,
                                      const BoxSampling& sampling) {
  const auto classes = meta.value("classes", std::vector<std::string>{});
  std::vector<DetectedCase> cases =
      run_detection(models, meta, data, device, -1, "", 0.3, sampling);
  std::vector<std::vector<Box>> pred, truth;
  for (const auto& c : cases) {
    pred.push_back(c.boxes);
    truth.push_back(c.truth);
  }
  nlohmann::json e = evaluate_detection_boxes(pred, truth, classes);
  // Per case: matched / missed / spurious boxes at IoU 0.5 among the
  // detections with score >= 0.3, the ones a reader would act on.
  const double shown = 0.3;
  std::ostringstream csv;
  csv << "id,objects,detections,true_positives,missed,false_positives\n";
  std::vector<std::pair<int, size_t>> errors;
  std::vector<int> correct;  // per shown box, for the referral section
  std::vector<Box> shown_boxes;
  std::vector<BoxUncertainty> shown_uncertainty;
  for (size_t i = 0; i < cases.size(); ++i) {
    std::vector<Box> kept;
    std::vector<bool> used(cases[i].truth.size(), false);
    int tp = 0;
    for (size_t k = 0; k < cases[i].boxes.size(); ++k) {
      const Box& b = cases[i].boxes[k];
      if (b.score < shown) continue;
      kept.push_back(b);
      // The unmatched box of its class with the highest IoU >= 0.5.
      int best = -1;
      double best_iou = 0.5;
      for (size_t t = 0; t < used.size(); ++t) {
        const double v = box_iou(b, cases[i].truth[t]);
        if (!used[t] && cases[i].truth[t].label == b.label && v >= best_iou) best = int(t), best_iou = v;
      }
      if (best >= 0) {
        used[best] = true;
        ++tp;
      }
      correct.push_back(best >= 0);
      shown_boxes.push_back(b);
      shown_uncertainty.push_back(cases[i].uncertainty.at(k));
    }
    const int missed = int(cases[i].truth.size()) - tp, fp = int(kept.size()) - tp;
    csv << csv_quote(cases[i].id) << "," << cases[i].truth.size() << "," << kept.size() << ","
        << tp << "," << missed << "," << fp << "\n";
    errors.push_back({missed + fp, i});
  }
  if (!cases.empty() && cases[0].samples > 1)
    e["uncertainty"] =
        box_referral(correct, shown_boxes, shown_uncertainty, box_uncertainty_columns("detection"),
                     cases[0].samples, true, "boxes shown (score >= 0.3)");
  fs::create_directories(out_dir);
  write_file_atomically(out_dir + "/evaluation.json", e.dump(2) + "\n");
  write_file_atomically(out_dir + "/cases.csv", csv.str());
  std::stable_sort(errors.begin(), errors.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<OverlayPicture> pics;
  for (size_t k = 0; k < errors.size() && int(k) < pictures; ++k) {
    const size_t i = errors[k].second;
    Sample s = data->get(i);
    if (s.image.dims() < 2) break;
    pics.push_back({cases[i].id + ": " + std::to_string(errors[k].first) +
                        " missed or spurious boxes (score >= 0.3)",
                    box_overlay(s.image, cases[i].truth, above(cases[i].boxes, shown), classes,
                                zoom_for(s.image))});
  }
  DetectionReportOptions ro;
  ro.description = {{"model", model_path}, {"cases", std::to_string(cases.size())},
                    {"classes", std::to_string(classes.size())}};
  write_detection_report(out_dir + "/report.html", e, pics, ro);
  return e;
}

}  // namespace medcnn::cli
