// `medcnn detect-slide --model RUN --slide SLIDE --out DIR`: patch-heatmap
// detection on a whole-slide image (infer/slide_heatmap.h). A trained
// patch classifier scores every tissue patch of the slide, streamed tile by
// tile through OpenSlide; the heatmap's regions above the threshold are the
// detections. Writes, under DIR:
//   heatmap.tif   the probability per cell (float32; spacing = cell size)
//   heatmap.png   the same as 0..255, overlay.png on a thumbnail of the slide
//   tissue.png    the cells classified (Otsu's tissue mask on the grid)
//   detections.csv / .json   boxes in level-0 pixels (CSV; COCO results)
//   summary.json  grid, cells, patches classified, seconds, megapixels per
//                 second, peak resident memory, and with --reference the
//                 FROC against reference boxes (a detection hits a lesion
//                 when its centre lies inside the lesion's box, CAMELYON16's
//                 rule).
#include <sys/resource.h>

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <iostream>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/infer/slide_heatmap.h"
#include "medcnn/io/box_files.h"
#include "medcnn/io/files.h"
#include "medcnn/io/image_io.h"
#include "medcnn/metrics/froc.h"
#include "medcnn/report/overlay.h"
#include "medcnn/train/experiment.h"

namespace fs = std::filesystem;

namespace medcnn::cli {
namespace {

struct DetectSlideArgs {
  std::string model, slide, out = "slide-detections", reference, positive;
  SlideHeatmapOptions options;
  double threshold = 0.5;
  bool quiet = false;
};

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return double(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int64_t positive_index(const std::string& name, const std::vector<std::string>& classes) {
  if (name.empty()) return classes.size() == 2 ? 1 : -1;
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] == name) return int64_t(i);
  try {
    size_t used = 0;
    const int64_t v = std::stoll(name, &used);
    if (used == name.size()) return v;
  } catch (const std::exception&) {
  }
  std::string all;
  for (const auto& c : classes) all += (all.empty() ? "" : ", ") + c;
  throw ConfigError("--positive", "'" + name + "' is not a class of the model (" + all + ")");
}

void run(DetectSlideArgs a, const GlobalOptions& g) {
  if (a.model.empty()) throw ConfigError("--model", "a patch classifier is needed");
  if (a.slide.empty()) throw ConfigError("--slide", "a slide is needed");
  nlohmann::json meta;
  auto models = load_models(a.model, g.device, &meta);
  if (meta.value("task", std::string("classification")) != "classification")
    throw ConfigError("--model", "detect-slide needs a patch classifier, this model is a " +
                                     meta.value("task", std::string()) + " model");
  const auto classes = meta.value("classes", std::vector<std::string>{});
  a.options.positive_class = positive_index(a.positive, classes);
  if (a.options.positive_class < 0)
    throw ConfigError("--positive", "the model has " + std::to_string(classes.size()) +
                                        " classes: name the one the heatmap shows");
  a.options.device = g.device;
  Slide slide(a.slide);
  fs::create_directories(a.out);
  std::unique_ptr<Progress> bar;
  int64_t shown = 0;
  if (!a.quiet) {
    a.options.progress = [&](int64_t done, int64_t all) {
      if (!bar) bar = std::make_unique<Progress>("slide", all, "cells");
      bar->advance(done - shown);
      shown = done;
    };
  }
  const auto t0 = std::chrono::steady_clock::now();
  SlideHeatmap h = slide_heatmap(slide, models,
                                 make_transforms(meta.value("preprocess", nlohmann::json::array())),
                                 a.options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (bar) bar->finish();
  std::vector<Box> found = heatmap_detections(h, a.threshold);
  const std::string name = fs::path(a.slide).stem().string();
  for (Box& b : found) b.class_name = classes[size_t(a.options.positive_class)];

  // Maps on the heatmap grid: spacing = the cell size (microns when known).
  const double mpp = slide.mpp_x() > 0 ? slide.mpp_x() / 1000.0 : 1.0;
  Geometry geo = Geometry::identity(2);
  geo.spacing = {h.cell_level0 * mpp, h.cell_level0 * mpp, 1.0};
  write_image(a.out + "/heatmap.tif",
              Image(h.probability.unsqueeze(0).contiguous(), geo, PixelType::Float32));
  write_image(a.out + "/heatmap.png",
              Image((h.probability * 255).round().to(torch::kByte).unsqueeze(0).contiguous(), geo,
                    PixelType::UInt8));
  write_image(a.out + "/tissue.png",
              Image((h.tissue.to(torch::kByte) * 255).unsqueeze(0).contiguous(), geo,
                    PixelType::UInt8));
  {  // the overlay on the coarsest level (a thumbnail), heatmap interpolated to it
    const int top = slide.level_count() - 1;
    const auto [tw, th] = slide.level_size(top);
    if (int64_t(tw) * th <= int64_t(4096) * 4096) {
      Image thumb = slide.read_region(0, 0, top, tw, th);
      namespace F = torch::nn::functional;
      at::Tensor up = F::interpolate(
          h.probability.unsqueeze(0).unsqueeze(0),
          F::InterpolateFuncOptions()
              .size(std::vector<int64_t>{int64_t(std::llround(double(h.probability.size(0)) *
                                                              h.cell_level0 /
                                                              slide.level_downsample(top))),
                                         int64_t(std::llround(double(h.probability.size(1)) *
                                                              h.cell_level0 /
                                                              slide.level_downsample(top)))})
              .mode(torch::kNearest))[0][0];
      up = up.narrow(0, 0, std::min<int64_t>(up.size(0), th)).narrow(1, 0, std::min<int64_t>(up.size(1), tw));
      at::Tensor full = torch::zeros({th, tw});
      full.narrow(0, 0, up.size(0)).narrow(1, 0, up.size(1)).copy_(up);
      write_image(a.out + "/overlay.png", heatmap_overlay(thumb, full, 1));
    }
  }
  BoxAnnotations ann;
  ann.class_names = {classes[size_t(a.options.positive_class)]};
  ann.images = {name};
  ann.sizes = {{int(h.width), int(h.height)}};
  std::vector<Box> labelled = found;
  for (Box& b : labelled) b.label = 0;
  ann.boxes = {labelled};
  write_box_csv(a.out + "/detections.csv", ann, /*with_score=*/true);
  write_coco_json(a.out + "/detections.json", ann, /*predictions=*/true);

  const int64_t tissue = h.tissue.sum().item<int64_t>();
  const double mp = double(h.width) * double(h.height) / 1e6;
  nlohmann::json summary = {
      {"slide", a.slide},
      {"size", {h.width, h.height}},
      {"level", a.options.level},
      {"patch", a.options.patch},
      {"stride", a.options.stride},
      {"grid", {h.probability.size(0), h.probability.size(1)}},
      {"cells", h.cells},
      {"tissue_cells", tissue},
      {"patches_classified", h.patches_classified},
      {"background_skipped", h.cells > 0 ? 1.0 - double(tissue) / double(h.cells) : 0.0},
      {"otsu_threshold", h.otsu_threshold},
      {"seconds", seconds},
      {"megapixels", mp},
      {"megapixels_per_second", seconds > 0 ? mp / seconds : 0.0},
      {"patches_per_second", seconds > 0 ? double(h.patches_classified) / seconds : 0.0},
      {"peak_rss_mb", peak_rss_mb()},
      {"threshold", a.threshold},
      {"detections", found.size()}};
  if (!a.reference.empty()) {
    BoxAnnotations ref = read_box_csv(a.reference);
    std::vector<Box> lesions;
    for (const auto& v : ref.boxes)
      for (const Box& b : v) lesions.push_back(b);
    // Every detection of the heatmap down to probability 0.05 enters the FROC.
    std::vector<Box> all = heatmap_detections(h, std::min(a.threshold, 0.05));
    FrocCurve f = froc({all}, {lesions}, FrocHit::CentreInside);
    summary["reference"] = {{"file", a.reference},
                            {"lesions", lesions.size()},
                            {"froc_rates", std::vector<double>(kFrocRates.begin(), kFrocRates.end())},
                            {"froc_sensitivity", f.sensitivity_at},
                            {"froc", f.mean_sensitivity}};
  }
  write_file_atomically(a.out + "/summary.json", summary.dump(2) + "\n");
  std::cout << summary.dump(2) << "\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto a = std::make_shared<DetectSlideArgs>();
  auto* cmd = app.add_subcommand(
      "detect-slide",
      "Detect lesions on a whole-slide image with a patch classifier: a probability\n"
      "heatmap over the tissue (Otsu), streamed tile by tile, and its regions as boxes");
  cmd->add_option("--model", a->model, "patch classifier: run folder or checkpoint")->required();
  cmd->add_option("--slide", a->slide, "whole-slide image (pyramidal TIFF, SVS, NDPI, ...)")
      ->required();
  cmd->add_option("--out", a->out, "output folder (default slide-detections)");
  cmd->add_option("--positive", a->positive,
                  "class the heatmap shows, name or index (default: class 1 of two)");
  cmd->add_option("--level", a->options.level, "slide level the patches are read at (default 0)");
  cmd->add_option("--patch", a->options.patch, "patch side in level pixels (default 64)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--stride", a->options.stride, "heatmap cell side in level pixels (default 64)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--tile", a->options.tile, "level pixels per slide read (default 2048)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--mask-level", a->options.mask_level,
                  "level of the Otsu tissue mask (default: the coarsest)");
  cmd->add_option("--min-tissue", a->options.min_tissue,
                  "share of a cell that must be tissue to be classified (default 0.1)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--batch", a->options.batch, "patches per forward pass (default 64)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--threshold", a->threshold, "heatmap probability of a detection (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--reference", a->reference,
                  "reference boxes (CSV image,class,xmin,ymin,xmax,ymax): FROC in summary.json");
  cmd->add_flag("--no-optimize", [a](int64_t) { a->options.optimize = false; },
                "run the eager network");
  cmd->add_flag("--quiet", a->quiet, "no progress bar");
  cmd->callback([a, &globals] { run(*a, globals); });
}

}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(detect_slide, medcnn::cli::setup);
