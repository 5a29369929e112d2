#include "medcnn/localization_run.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/single_object_dataset.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/csv.h"
#include "medcnn/infer/mc_dropout.h"
#include "medcnn/io/files.h"
#include "medcnn/metrics/localization.h"
#include "medcnn/pyramid_run.h"
#include "medcnn/metrics/uncertainty_evaluation.h"
#include "medcnn/tasks/localization.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {

BoxModelRunner::BoxModelRunner(std::vector<NetworkPtr> models, const nlohmann::json& meta,
                               const std::string& device, BoxSampling sampling)
    : models_(std::move(models)),
      preprocess_(make_transforms(meta.value("preprocess", nlohmann::json::array()))),
      device_(parse_device(device)),
      sampling_(sampling) {
  check_mc_options(models_, sampling_.mc_samples, sampling_.drop_weights);
  for (auto& m : models_) {
    m->to(device_);
    m->eval();
  }
}

int64_t BoxModelRunner::samples() const {
  return sampling_.samples(models_.size(), int(models_.at(0)->spec().spatial_dims));
}

BoxModelPass BoxModelRunner::operator()(Sample s) {
  torch::NoGradGuard no_grad;
  BoxModelPass p;
  p.original = s.image.spatial_shape();
  Rng rng(0);
  preprocess_.apply(s, rng);
  p.size = s.image.spatial_shape();
  at::Tensor x = s.image.data.to(torch::kFloat).unsqueeze(0).to(device_);
  const bool mc = sampling_.mc_samples > 0;
  if (sampling_.optimize && !mc && fast_.size() != models_.size()) {
    fast_.clear();
    for (const auto& m : models_) fast_.push_back(optimize_for_inference(m, x));
  }
  std::vector<std::vector<int64_t>> views{{}};
  if (sampling_.tta_flips)
    for (int64_t a = 0; a < int64_t(p.size.size()); ++a) views.push_back({a});
  for (size_t k = 0; k < models_.size(); ++k) {
    for (const auto& flips : views) {
      at::Tensor v = x;
      for (int64_t a : flips) v = v.flip({a + 2});
      for (int pass = 0; pass < std::max(1, sampling_.mc_samples); ++pass) {
        at::Tensor y = mc ? mc_forward(*models_[k], v, sampling_.drop_weights)
                          : sampling_.optimize ? fast_[k].forward(v) : models_[k]->forward(v);
        p.outputs.push_back(y.to(torch::kFloat));
        p.flips.push_back(flips);
      }
    }
  }
  return p;
}

std::vector<Box> sample_boxes(const BoxModelPass& p, size_t t,
                              const std::function<std::vector<Box>(const at::Tensor&)>& decode) {
  std::vector<Box> boxes = flip_boxes(decode(p.outputs.at(t)), p.flips.at(t), p.size);
  rescale_boxes(boxes, p.size, p.original);
  return boxes;
}

void rescale_boxes(std::vector<Box>& boxes, const std::vector<int64_t>& size,
                   const std::vector<int64_t>& original) {
  static bool warned = false;
  if (size != original && !warned) {
    spdlog::warn("preprocessing changed the grid; boxes are scaled back to each input image "
                 "(exact for a resize, not for a crop)");
    warned = true;
  }
  for (Box& b : boxes)
    for (int a = 0; a < b.dims; ++a) {
      const double f = double(original[original.size() - 1 - a]) / double(size[size.size() - 1 - a]);
      b.lo[a] *= f;
      b.hi[a] *= f;
    }
}

std::vector<LocalizedCase> run_localization(const std::vector<NetworkPtr>& models,
                                            const nlohmann::json& meta, const DatasetPtr& data,
                                            const std::string& device,
                                            const BoxSampling& sampling) {
  if (meta.value("localization", nlohmann::json::object()).value("method", "") == "pyramid") {
    return run_pyramid_localization(models, meta, data, device, sampling);
  }
  const auto classes = meta.value("classes", std::vector<std::string>{});
  const int64_t k = int64_t(classes.size());
  BoxModelRunner run(models, meta, device, sampling);
  std::vector<LocalizedCase> out;
  for (size_t i = 0; i < data->size(); ++i) {
    Sample s = data->get(i);
    LocalizedCase c = LocalizedCase::of(s);
    BoxModelPass p = run(std::move(s));
    std::vector<Box> boxes;
    Probabilities probs;
    for (size_t t = 0; t < p.outputs.size(); ++t) {
      std::vector<std::vector<double>> row;
      boxes.push_back(sample_boxes(p, t, [&](const at::Tensor& o) {
        return decode_localization(o, k, p.size, &row);
      })[0]);
      probs.push_back(row.at(0));
    }
    FusedBox f = fuse_localizations(boxes, probs);
    f.box.class_name = classes.at(f.box.label);
    c.box = f.box;
    c.probabilities = f.probabilities;
    c.uncertainty = f.uncertainty;
    c.samples = int64_t(p.outputs.size());
    out.push_back(std::move(c));
  }
  return out;
}

void write_box_predictions(const std::vector<std::string>& ids,
                           const std::vector<std::vector<Box>>& boxes,
                           const std::vector<std::string>& classes, const std::string& csv_path,
                           const std::vector<std::vector<BoxUncertainty>>* uncertainty,
                           const std::string& task) {
  BoxAnnotations a;
  a.class_names = classes;
  a.images = ids;
  a.boxes = boxes;
  a.sizes.assign(ids.size(), {0, 0});
  if (uncertainty) {
    a.extra_columns = box_uncertainty_columns(task, classes.size());
    for (const auto& per_image : *uncertainty) {
      a.extras.emplace_back();
      for (const BoxUncertainty& u : per_image) {
        a.extras.back().emplace_back();
        for (const auto& name : a.extra_columns) a.extras.back().back().push_back(u.get(name));
      }
    }
  }
  const fs::path parent = fs::path(csv_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  write_box_csv(csv_path, a, /*with_score=*/true);
  write_coco_json(fs::path(csv_path).replace_extension(".json").string(), a, /*predictions=*/true);
}

void write_localizations(const std::vector<LocalizedCase>& cases,
                         const std::vector<std::string>& classes, const std::string& csv_path) {
  std::vector<std::string> ids;
  std::vector<std::vector<Box>> boxes;
  std::vector<std::vector<BoxUncertainty>> uncertainty;
  bool sampled = false;
  for (const auto& c : cases) {
    ids.push_back(c.id);
    boxes.push_back({c.box});
    uncertainty.push_back({c.uncertainty});
    sampled = sampled || c.samples > 1;
  }
  write_box_predictions(ids, boxes, classes, csv_path, sampled ? &uncertainty : nullptr,
                        "localization");
}

nlohmann::json box_referral(const std::vector<int>& correct, const std::vector<Box>& boxes,
                            const std::vector<BoxUncertainty>& uncertainty,
                            const std::vector<std::string>& columns, int64_t samples,
                            bool least_confidence, const std::string& unit) {
  std::map<std::string, std::vector<double>> measures;
  for (size_t i = 0; i < boxes.size(); ++i) {
    for (const auto& name : columns) measures[name].push_back(uncertainty.at(i).get(name));
    if (least_confidence) measures["least_confidence"].push_back(1.0 - double(boxes[i].score));
  }
  double hits = 0;
  for (int c : correct) hits += c;
  return {{"samples", samples},
          {"unit", unit},
          {"accuracy", correct.empty() ? 0.0 : hits / double(correct.size())},
          {"referral", correct.empty() ? nlohmann::json::object() : referral_section(correct, measures)}};
}

nlohmann::json evaluate_localizations(const std::vector<LocalizedCase>& cases,
                                      const std::vector<std::string>& classes,
                                      const std::string& out_dir) {
  std::vector<Box> pred, truth;
  std::vector<std::array<double, 3>> spacing;
  for (const auto& c : cases) {
    if (c.truth.size() != 1)
      throw DataError(c.id, "evaluating a localization needs exactly one reference box per case");
    pred.push_back(c.box);
    truth.push_back(c.truth[0]);
    spacing.push_back(c.spacing);
  }
  const bool by_class = classes.size() >= 2;
  LocalizationResult r = evaluate_localization(pred, truth, spacing, by_class);
  nlohmann::json e = {{"task", "localization"}, {"n", cases.size()}, {"classes", classes},
                      {"metrics", {{"accuracy", r.accuracy}, {"mean_iou", r.mean_iou},
                                   {"mean_centroid_error_px", r.mean_centroid_error_px},
                                   {"mean_centroid_error_mm", r.mean_centroid_error_mm}}}};
  // With several samples per case: does the uncertainty find the misses?
  const bool sampled = !cases.empty() && cases[0].samples > 1;
  const auto& columns = box_uncertainty_columns("localization", classes.size());
  if (sampled) {
    std::vector<int> correct;
    std::vector<BoxUncertainty> u;
    for (size_t i = 0; i < cases.size(); ++i) {
      correct.push_back(r.iou[i] >= 0.5 && (!by_class || pred[i].label == truth[i].label));
      u.push_back(cases[i].uncertainty);
    }
    e["uncertainty"] = box_referral(correct, pred, u, columns, cases[0].samples, by_class, "cases");
  }
  std::ostringstream csv;
  csv << "id,class,predicted_class,iou,centroid_error_px,centroid_error_mm";
  if (sampled)
    for (const auto& name : columns) csv << "," << name;
  csv << "\n";
  for (size_t i = 0; i < cases.size(); ++i) {
    csv << csv_quote(cases[i].id) << "," << csv_quote(classes.at(truth[i].label)) << ","
        << csv_quote(classes.at(pred[i].label)) << "," << r.iou[i] << ","
        << r.centroid_error_px[i] << "," << r.centroid_error_mm[i];
    if (sampled)
      for (const auto& name : columns) csv << "," << cases[i].uncertainty.get(name);
    csv << "\n";
  }
  fs::create_directories(out_dir);
  write_file_atomically(out_dir + "/evaluation.json", e.dump(2) + "\n");
  write_file_atomically(out_dir + "/cases.csv", csv.str());
  return e;
}

}  // namespace medcnn::cli
