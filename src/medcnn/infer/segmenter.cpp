#include "medcnn/infer/segmenter.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/infer/mc_dropout.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/spatial/resample_ops.h"

namespace fs = std::filesystem;

namespace medcnn {

Segmenter::Segmenter(std::vector<NetworkPtr> models, Compose preprocess, SegmenterOptions options)
    : models_(std::move(models)), preprocess_(std::move(preprocess)), options_(std::move(options)) {
  if (models_.empty()) throw ConfigError("predict", "no model to segment with");
  postprocess_ = make_postprocess(options_.postprocess);
  check_mc_options(models_, options_.mc_samples, options_.drop_weights);
  const c10::Device device = parse_device(options_.device);
  for (auto& m : models_) {
    m->to(device);
    m->eval();
  }
  fast_.resize(models_.size());
  for (auto& f : fast_) f.once = std::make_unique<std::once_flag>();
}

SegmentationResult Segmenter::segment(Sample sample, Sample* preprocessed) const {
  const Image input = sample.image;  // its grid (the pixels are not used)
  Rng rng(0);
  preprocess_.apply(sample, rng);
  const c10::Device device = parse_device(options_.device);
  torch::NoGradGuard no_grad;
  at::Tensor x = sample.image.data.to(torch::kFloat).unsqueeze(0).to(device);
  at::Tensor sum, sum_squares, sum_entropy;
  auto entropy = [](const at::Tensor& p) {  // over the class axis 1, 0 log 0 = 0
    return -(p * torch::log(p.clamp_min(1e-12))).sum(1);
  };
  const bool mc = options_.mc_samples > 0;
  // Views: no flip and, for test-time augmentation, every non-empty set of
  // spatial axes (tensor dims 2..).
  std::vector<std::vector<int64_t>> views{{}};
  if (options_.tta_flips) {
    const int64_t d = x.dim() - 2;
    for (int64_t set = 1; set < (int64_t(1) << d); ++set) {
      std::vector<int64_t> axes;
      for (int64_t a = 0; a < d; ++a)
        if (set & (int64_t(1) << a)) axes.push_back(a + 2);
      views.push_back(axes);
    }
  }
  int64_t samples = 0;
  const bool several = models_.size() * views.size() * std::max(1, options_.mc_samples) > 1;
  for (size_t m = 0; m < models_.size(); ++m) {
    const NetworkPtr& model = models_[m];
    auto window = [&](const at::Tensor& w) {
      if (mc) return mc_forward(*model, w, options_.drop_weights);
      if (!options_.optimize) return model->forward(w);
      std::call_once(*fast_[m].once, [&] { fast_[m].model = optimize_for_inference(model, w); });
      return fast_[m].model.forward(w);
    };
    for (const auto& axes : views)
      for (int pass = 0; pass < std::max(1, options_.mc_samples); ++pass, ++samples) {
        at::Tensor v = axes.empty() ? x : x.flip(axes);
        at::Tensor p = torch::softmax(sliding_window_inference(v, window, options_.window), 1);
        if (!axes.empty()) p = p.flip(axes);
        sum = sum.defined() ? sum + p : p;
        if (!several) continue;  // one sample: no spread to measure
        sum_squares = sum_squares.defined() ? sum_squares + p * p : p * p;
        sum_entropy = sum_entropy.defined() ? sum_entropy + entropy(p) : entropy(p);
      }
  }
  at::Tensor mean = sum / double(samples);
  at::Tensor probs = mean[0].cpu().contiguous();
  at::Tensor h = entropy(mean)[0].cpu();
  at::Tensor mi, variance;
  if (samples > 1) {
    mi = (h - (sum_entropy / double(samples))[0].cpu()).clamp_min(0);
    variance = (sum_squares / double(samples) - mean * mean).clamp_min(0).mean(1)[0].cpu();
  }
  probs = postprocess_.smooth(probs, sample.image.data).contiguous();  // MRF / CRF, if any
  // Back to the input's grid when preprocessing resampled, cropped or
  // reoriented it: linear by physical position; what lies outside the
  // preprocessed grid is background.
  const bool changed = sample.image.spatial_shape() != input.spatial_shape() ||
                       !sample.image.geometry.same_as(input.geometry);
  const Image& grid = changed && options_.input_grid ? input : sample.image;
  if (changed && options_.input_grid) {
    auto back = [&](const at::Tensor& m) {
      return spatial_ops::resample_onto(m, sample.image.geometry, input.geometry,
                                        input.spatial_shape(), /*nearest=*/false,
                                        spatial_ops::Padding::Zeros);
    };
    probs = back(probs);
    probs[0] += (1.0 - probs.sum(0)).clamp_min(0.0);
    h = back(h.unsqueeze(0))[0];
    if (mi.defined()) mi = back(mi.unsqueeze(0))[0];
    if (variance.defined()) variance = back(variance.unsqueeze(0))[0];
  }
  at::Tensor labels = probs.argmax(0, /*keepdim=*/true);
  auto roi_it = sample.meta.find("roi_path");
  if (roi_it != sample.meta.end()) {
    Image roi = read_image(roi_it->second);
    if (roi.spatial_shape() == grid.spatial_shape()) {
      at::Tensor outside = roi.data.narrow(0, 0, 1).eq(0);
      labels.masked_fill_(outside, 0);
      probs.masked_fill_(outside.expand_as(probs), 0.0);
      probs[0].masked_fill_(outside[0], 1.0);
      h.masked_fill_(outside[0], 0.0);
      if (mi.defined()) mi.masked_fill_(outside[0], 0.0);
      if (variance.defined()) variance.masked_fill_(outside[0], 0.0);
    }
  }
  if (!postprocess_.empty()) {
    at::Tensor l = labels[0].contiguous();
    postprocess_.apply(l);
    labels = l.unsqueeze(0);
  }
  if (probs.size(0) > 255)
    throw ConfigError("predict", "more than 255 classes cannot be written as a uint8 label map");
  SegmentationResult r;
  r.id = sample.id;
  r.grid_changed = changed && !options_.input_grid;
  r.probabilities = grid.with_data(probs.contiguous(), PixelType::Float32);
  r.labels = grid.with_data(labels.to(torch::kByte), PixelType::UInt8);
  r.entropy = grid.with_data(h.unsqueeze(0).contiguous(), PixelType::Float32);
  if (mi.defined())
    r.mutual_information = grid.with_data(mi.unsqueeze(0).contiguous(), PixelType::Float32);
  if (variance.defined())
    r.variance = grid.with_data(variance.unsqueeze(0).contiguous(), PixelType::Float32);
  if (preprocessed) *preprocessed = std::move(sample);
  return r;
}

std::vector<std::string> Segmenter::write(const SegmentationResult& r,
                                          const std::string& out_dir) const {
  if (r.grid_changed)
    spdlog::warn("{}: preprocessing changed the grid; its maps lie on the preprocessed grid", r.id);
  fs::create_directories(out_dir);
  const bool volume = r.labels.dims() == 3;
  const std::string lext = !options_.label_format.empty() ? options_.label_format
                                                          : (volume ? "nii.gz" : "png");
  const std::string pext = !options_.probability_format.empty() ? options_.probability_format
                                                                : (volume ? "nii.gz" : "tif");
  const std::string base = (fs::path(out_dir) / r.id).string();
  std::vector<std::string> written{base + "_seg." + lext};
  write_image(written.back(), r.labels);
  if (options_.write_probabilities) {
    Image p = r.probabilities;
    if (p.channels() == 2) p = p.with_data(p.data.narrow(0, 1, 1).contiguous(), PixelType::Float32);
    written.push_back(base + "_prob." + pext);
    write_image(written.back(), p);
  }
  if (options_.write_uncertainty) {
    written.push_back(base + "_entropy." + pext);
    write_image(written.back(), r.entropy);
    if (r.mutual_information.data.defined()) {
      written.push_back(base + "_mi." + pext);
      write_image(written.back(), r.mutual_information);
    }
    if (r.variance.data.defined()) {
      written.push_back(base + "_variance." + pext);
      write_image(written.back(), r.variance);
    }
  }
  return written;
}

std::vector<std::string> Segmenter::predict(const DatasetPtr& dataset,
                                            const std::string& out_dir) const {
  fs::create_directories(out_dir);
  std::vector<std::string> written;
  std::unique_ptr<Progress> bar;
  if (options_.show_progress)
    bar = std::make_unique<Progress>("segment", (int64_t)dataset->size(), "cases");
  for (size_t i = 0; i < dataset->size(); ++i) {
    const std::vector<std::string> paths = write(segment(dataset->get(i)), out_dir);
    written.insert(written.end(), paths.begin(), paths.end());
    if (bar) bar->advance();
  }
  return written;
}

}  // namespace medcnn
