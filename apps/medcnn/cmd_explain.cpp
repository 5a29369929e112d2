// `medcnn explain --model RUN (--data D | --input FILE) [--method gradcam]`:
// where a trained classifier, segmentation or detection model looked, per
// case (for a detector: per detected box, its centre-heatmap score at the
// box's cell): the map on the input's geometry (PNG for 2-D, NIfTI for 3-D),
// a PNG overlay on the image, and explanations.csv (id, class, probability,
// method, layer, files, box).
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/explain/explainer.h"
#include "medcnn/io/files.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/image_io.h"
#include "medcnn/localization_run.h"
#include "medcnn/report/overlay.h"
#include "medcnn/tasks/detection.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {
namespace {

struct ExplainArgs {
  std::string model, data, input, out = "explanations", method, cls;
  std::vector<std::string> splits;
  std::vector<std::string> class_names;  // the model's
  ExplainOptions options;
  int64_t limit = 0;
  bool list_layers = false;
  int64_t boxes = 3;
  double score_threshold = 0.3;
};

// The class index from a number or a class name.
int64_t class_index(const std::string& cls, const std::vector<std::string>& names) {
  if (cls.empty()) return -1;
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == cls) return int64_t(i);
  try {
    size_t used = 0;
    const int64_t v = std::stoll(cls, &used);
    if (used == cls.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  std::string all;
  for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
  throw ConfigError("--class", "'" + cls + "' is neither a class index nor a class name (" +
                                   all + ")");
}

// The map on the original image's grid: when preprocessing changed the grid
// the map is interpolated back (right for a resize; a crop is not undone).
Image on_input_grid(const at::Tensor& map, const Image& preprocessed, const Image& original,
                    const std::string& id) {
  if (preprocessed.spatial_shape() == original.spatial_shape())
    return original.with_data(map.unsqueeze(0).contiguous(), PixelType::Float32);
  spdlog::warn("{}: preprocessing changed the grid; the map is interpolated back to the input "
               "grid (exact for a resize, not for a crop)", id);
  namespace F = torch::nn::functional;
  const int64_t d = original.dims();
  auto opts = F::InterpolateFuncOptions().size(original.spatial_shape()).align_corners(false);
  if (d == 1) opts.mode(torch::kLinear);
  else if (d == 2) opts.mode(torch::kBilinear);
  else opts.mode(torch::kTrilinear);
  at::Tensor m = F::interpolate(map.unsqueeze(0).unsqueeze(0), opts)[0];
  return original.with_data(m.contiguous(), PixelType::Float32);
}

// Writes the map (on the input's grid) and its overlay (with `box` drawn,
// on the preprocessed grid, when given) under `base`, and the CSV row.
void write_explanation(const ExplainArgs& a, const Explanation& e, const Sample& sample,
                       const Image& original, const std::string& base, const std::optional<Box>& box,
                       std::ostream& csv, const std::string& box_text = "") {
  const auto& classes = a.class_names;
  Image out = on_input_grid(e.map, sample.image, original, sample.id);
  std::string map_path;
  if (out.dims() == 3) {
    map_path = base + ".nii.gz";
    write_image(map_path, out);
  } else {  // 2-D: 0..255 for map values 0..1 (occlusion: its drop, clipped at 0)
    map_path = base + ".png";
    write_image(map_path, out.with_data((out.data.clamp(0, 1) * 255).round().to(torch::kByte),
                                        PixelType::UInt8));
  }
  at::Tensor shown = e.map;
  if (a.method == "occlusion")
    shown = e.map.clamp_min(0) / std::max(1e-12, e.map.max().item<double>());
  const std::string overlay_path = base + "_overlay.png";
  const int64_t zoom = std::max<int64_t>(1, 256 / std::max<int64_t>(1, sample.image.data.size(-1)));
  Image overlay = heatmap_overlay(sample.image, shown, zoom);
  if (box && sample.image.dims() == 2) {
    Box z = *box;
    for (int k = 0; k < z.dims; ++k) z.lo[k] *= double(zoom), z.hi[k] *= double(zoom);
    overlay = box_overlay(overlay, {}, {z}, classes, 1);
  }
  write_image(overlay_path, overlay);
  const std::string cname = e.class_index < int64_t(classes.size()) ? classes[e.class_index]
                                                                     : std::to_string(e.class_index);
  csv << csv_quote(sample.id) << "," << csv_quote(cname) << "," << e.probability << ","
      << a.method << "," << e.layer << "," << csv_quote(map_path) << ","
      << csv_quote(overlay_path) << "," << box_text << "\n";
}

// A detector: its top a.boxes detections of the case (score >= the
// threshold, of a.cls when given), each explained by the centre-heatmap
// logit of its class at its cell.
void explain_boxes(const ExplainArgs& a, const Explainer& explainer,
                   const std::vector<NetworkPtr>& models, const nlohmann::json& meta,
                   const Sample& sample, const Image& original, const at::Tensor& x,
                   const std::string& method_file, std::ostream& csv) {
  const auto& classes = a.class_names;
  const int d = int(models[0]->spec().spatial_dims);
  DetectionOptions o = DetectionOptions::from_json(
      meta.value("detection", nlohmann::json::object()), classes, d);
  o.score_threshold = a.score_threshold;
  at::Tensor y;
  {
    torch::NoGradGuard no_grad;
    for (const auto& m : models) {
      m->eval();
      at::Tensor out = m->forward(x).to(torch::kFloat);
      y = y.defined() ? y + out : out;
    }
    y = y / double(models.size());
  }
  const std::vector<int64_t> size = sample.image.spatial_shape();
  const std::vector<int64_t> grid(y.sizes().begin() + 2, y.sizes().end());
  const int64_t wanted = class_index(a.cls, classes);
  const auto found = decode_detections(y, int64_t(classes.size()), size, o);
  int64_t j = 0;
  for (const Box& b : found[0]) {
    if (j >= a.boxes) break;
    if (wanted >= 0 && b.label != wanted) continue;
    ExplainTarget t;
    t.class_index = b.label;
    t.sigmoid = true;
    t.region = torch::zeros(grid, torch::kBool);
    std::vector<at::indexing::TensorIndex> cell;
    for (int64_t axis = 0; axis < d; ++axis) {
      const int k = int(d - 1 - axis);  // Box axis of tensor axis `axis`
      const double stride = double(size[axis]) / double(grid[axis]);
      cell.emplace_back(std::clamp<int64_t>(int64_t(std::floor(b.centre()[k] / stride)), 0,
                                            grid[axis] - 1));
    }
    t.region.index_put_(cell, true);
    Explanation e = explain_ensemble(explainer, models, x, t);
    std::vector<Box> on_input{b};
    rescale_boxes(on_input, size, original.spatial_shape());
    std::string text;
    for (int k = 0; k < d; ++k) text += (k ? " " : "") + shortest_text(on_input[0].lo[k]);
    for (int k = 0; k < d; ++k) text += " " + shortest_text(on_input[0].hi[k]);
    const std::string base = (fs::path(a.out) / (sample.id + "_" + method_file + "_box" +
                                                 std::to_string(j))).string();
    write_explanation(a, e, sample, original, base, b, csv, text);
    ++j;
  }
}

void run(ExplainArgs a, const GlobalOptions& g) {
  if (a.model.empty()) throw ConfigError("--model", "a model is needed");
  nlohmann::json meta;
  auto models = load_models(a.model, g.device, &meta);
  if (a.list_layers) {
    std::cout << "layers of " << models[0]->spec().name << " (input side first):\n";
    for (const auto& l : models[0]->layer_names()) std::cout << "  " << l << "\n";
    return;
  }
  if (meta.value("task", std::string("classification")) == "localization")
    throw ConfigError("--model", "a localization model's box has no class score to explain; "
                                 "explain works on classification, segmentation and detection "
                                 "models");
  if (a.data.empty() == a.input.empty())
    throw ConfigError("--data", "give either --data (a data set) or --input (one image file)");
  // LayerCAM by default for a detector: Grad-CAM's spatially averaged
  // weights blur a one-cell score into the whole image.
  if (a.method.empty()) a.method = meta.value("task", std::string()) == "detection" ? "layercam"
                                                                                 : "gradcam";
  ExplainerPtr explainer = make_explainer(a.method, a.options);
  {  // a wrong layer fails before any case is read
    auto names = models[0]->layer_names();
    if (a.method != "occlusion" &&
        std::find(names.begin(), names.end(), a.options.layer) == names.end()) {
      std::string all;
      for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
      throw ConfigError("--layer", "network " + models[0]->spec().name + " has no layer '" +
                                       a.options.layer + "'; valid layers: " + all);
    }
  }
  const auto classes = meta.value("classes", std::vector<std::string>{});
  a.class_names = classes;
  const bool detection = meta.value("task", std::string()) == "detection";
  ExplainTarget target;
  if (!detection) target.class_index = class_index(a.cls, classes);
  Compose preprocess = make_transforms(meta.value("preprocess", nlohmann::json::array()));
  DatasetPtr ds;
  std::vector<Sample> single;
  if (!a.input.empty()) {
    Sample s;
    s.image = read_image(a.input);
    s.id = fs::path(a.input).filename().string();
    s.id = s.id.substr(0, s.id.find('.'));
    single.push_back(std::move(s));
  } else {
    ds = open_data(a.data, a.splits);
  }
  const size_t n_all = ds ? ds->size() : 1;
  const size_t n = a.limit > 0 ? std::min(n_all, size_t(a.limit)) : n_all;
  fs::create_directories(a.out);
  const c10::Device device = parse_device(g.device);
  std::ostringstream csv;
  csv << "id,class,probability,method,layer,map,overlay,box\n";
  std::string method_file = a.method;
  std::replace(method_file.begin(), method_file.end(), '+', 'p');
  for (size_t i = 0; i < n; ++i) {
    Sample sample = ds ? ds->get(i) : single[0];
    const Image original = sample.image;
    Rng rng(0);
    preprocess.apply(sample, rng);
    at::Tensor x = sample.image.data.to(torch::kFloat).unsqueeze(0).to(device);
    if (detection) {
      explain_boxes(a, *explainer, models, meta, sample, original, x, method_file, csv);
      continue;
    }
    Explanation e = explain_ensemble(*explainer, models, x, target);
    const std::string base = (fs::path(a.out) / (sample.id + "_" + method_file)).string();
    write_explanation(a, e, sample, original, base, {}, csv);
  }
  const std::string table = (fs::path(a.out) / "explanations.csv").string();
  write_file_atomically(table, csv.str());
  std::cout << n << " case(s) explained with " << a.method
            << (a.method == "occlusion" ? "" : " at layer " + a.options.layer) << ": " << table
            << "\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto a = std::make_shared<ExplainArgs>();
  auto* cmd = app.add_subcommand(
      "explain", "Where a trained model looked: Grad-CAM, Grad-CAM++, CAM or occlusion\n"
                 "sensitivity maps per case (a detector: per detected box), on the input's\n"
                 "geometry, with PNG overlays");
  cmd->add_option("--model", a->model, "run folder (best.pt or ensemble.json) or a checkpoint");
  cmd->add_option("--data", a->data, "data set: CSV, dataset.json, .npz, class folder, ...");
  cmd->add_option("--split", a->splits, "split(s) of the data set")->delimiter(',');
  cmd->add_option("--input", a->input, "one image file instead of a data set");
  cmd->add_option("--out", a->out, "output folder (default explanations)");
  cmd->add_option("--method", a->method,
                  "gradcam (default), gradcam++, layercam (default for a detector), cam or "
                  "occlusion");
  cmd->add_option("--layer", a->options.layer,
                  "layer for the Grad-CAM family (default features; --list-layers)");
  cmd->add_option("--class", a->cls,
                  "class to explain, index or name (default: the predicted class)");
  cmd->add_option("--patch", a->options.patch, "occlusion: window size per axis (default 8)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stride", a->options.stride, "occlusion: window step (default 4)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--baseline", a->options.baseline,
                  "occlusion: value of an occluded window (default: the image mean)");
  cmd->add_option("--limit", a->limit, "explain the first N cases only");
  cmd->add_flag("--list-layers", a->list_layers, "print the network's layer names and exit");
  cmd->add_option("--boxes", a->boxes,
                  "detection: explain the N highest-scored boxes of each case (default 3)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--score-threshold", a->score_threshold,
                  "detection: explain boxes with at least this score (default 0.3)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->callback([a, &globals] { run(*a, globals); });
}

}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(explain, medcnn::cli::setup);
