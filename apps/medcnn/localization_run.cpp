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
#include "medcnn/io/files.h"
#include "medcnn/metrics/localization.h"
#include "medcnn/tasks/localization.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {

BoxModelPass forward_box_models(const std::vector<NetworkPtr>& models, const Compose& preprocess,
                                Sample s, const c10::Device& device,
                                std::vector<InferenceModel>* fast) {
  BoxModelPass p;
  p.original = s.image.spatial_shape();
  Rng rng(0);
  preprocess.apply(s, rng);
  p.size = s.image.spatial_shape();
  at::Tensor x = s.image.data.to(torch::kFloat).unsqueeze(0).to(device);
  if (fast && fast->size() != models.size()) {
    fast->clear();
    for (const auto& m : models) fast->push_back(optimize_for_inference(m, x));
  }
  for (size_t k = 0; k < models.size(); ++k) {
    models[k]->eval();
    at::Tensor y = (fast ? (*fast)[k].forward(x) : models[k]->forward(x)).to(torch::kFloat);
    p.output = p.output.defined() ? p.output + y : y;
  }
  p.output = p.output / double(models.size());
  return p;
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
                                            const std::string& device) {
  const auto classes = meta.value("classes", std::vector<std::string>{});
  Compose preprocess = make_transforms(meta.value("preprocess", nlohmann::json::array()));
  const c10::Device dev = parse_device(device);
  torch::NoGradGuard no_grad;
  std::vector<LocalizedCase> out;
  for (size_t i = 0; i < data->size(); ++i) {
    Sample s = data->get(i);
    LocalizedCase c;
    c.id = s.id;
    c.truth = s.boxes;
    c.spacing = s.image.geometry.spacing;
    BoxModelPass p = forward_box_models(models, preprocess, std::move(s), dev);
    std::vector<std::vector<double>> probs;
    std::vector<Box> b =
        decode_localization(p.output, int64_t(classes.size()), p.size, &probs);
    rescale_boxes(b, p.size, p.original);
    b[0].class_name = classes.at(b[0].label);
    c.box = b[0];
    c.probabilities = probs[0];
    out.push_back(std::move(c));
  }
  return out;
}

void write_box_predictions(const std::vector<std::string>& ids,
                           const std::vector<std::vector<Box>>& boxes,
                           const std::vector<std::string>& classes, const std::string& csv_path) {
  BoxAnnotations a;
  a.class_names = classes;
  a.images = ids;
  a.boxes = boxes;
  a.sizes.assign(ids.size(), {0, 0});
  const fs::path parent = fs::path(csv_path).parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  write_box_csv(csv_path, a, /*with_score=*/true);
  write_coco_json(fs::path(csv_path).replace_extension(".json").string(), a, /*predictions=*/true);
}

void write_localizations(const std::vector<LocalizedCase>& cases,
                         const std::vector<std::string>& classes, const std::string& csv_path) {
  std::vector<std::string> ids;
  std::vector<std::vector<Box>> boxes;
  for (const auto& c : cases) {
    ids.push_back(c.id);
    boxes.push_back({c.box});
  }
  write_box_predictions(ids, boxes, classes, csv_path);
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
  std::ostringstream csv;
  csv << "id,class,predicted_class,iou,centroid_error_px,centroid_error_mm\n";
  for (size_t i = 0; i < cases.size(); ++i)
    csv << csv_quote(cases[i].id) << "," << csv_quote(classes.at(truth[i].label)) << ","
        << csv_quote(classes.at(pred[i].label)) << "," << r.iou[i] << ","
        << r.centroid_error_px[i] << "," << r.centroid_error_mm[i] << "\n";
  fs::create_directories(out_dir);
  write_file_atomically(out_dir + "/evaluation.json", e.dump(2) + "\n");
  write_file_atomically(out_dir + "/cases.csv", csv.str());
  return e;
}

}  // namespace medcnn::cli
