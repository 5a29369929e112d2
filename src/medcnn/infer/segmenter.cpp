#include "medcnn/infer/segmenter.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;

namespace medcnn {

Segmenter::Segmenter(std::vector<NetworkPtr> models, Compose preprocess, SegmenterOptions options)
    : models_(std::move(models)), preprocess_(std::move(preprocess)), options_(std::move(options)) {
  if (models_.empty()) throw ConfigError("predict", "no model to segment with");
  postprocess_ = make_postprocess(options_.postprocess);
  const c10::Device device = parse_device(options_.device);
  for (auto& m : models_) {
    m->to(device);
    m->eval();
  }
}

SegmentationResult Segmenter::segment(Sample sample, Sample* preprocessed) const {
  const std::vector<int64_t> original = sample.image.spatial_shape();
  Rng rng(0);
  preprocess_.apply(sample, rng);
  const c10::Device device = parse_device(options_.device);
  torch::NoGradGuard no_grad;
  at::Tensor x = sample.image.data.to(torch::kFloat).unsqueeze(0).to(device);
  at::Tensor sum;
  for (const auto& model : models_) {
    InferenceModel fast;
    bool traced = false;
    auto window = [&](const at::Tensor& w) {
      if (!options_.optimize) return model->forward(w);
      if (!traced) {
        fast = optimize_for_inference(model, w);
        traced = true;
      }
      return fast.forward(w);
    };
    at::Tensor p = torch::softmax(sliding_window_inference(x, window, options_.window), 1);
    sum = sum.defined() ? sum + p : p;
  }
  at::Tensor probs = (sum / double(models_.size()))[0].cpu().contiguous();
  at::Tensor labels = probs.argmax(0, /*keepdim=*/true);
  auto roi_it = sample.meta.find("roi_path");
  if (roi_it != sample.meta.end()) {
    Image roi = read_image(roi_it->second);
    if (roi.spatial_shape() == sample.image.spatial_shape()) {
      at::Tensor outside = roi.data.narrow(0, 0, 1).eq(0);
      labels.masked_fill_(outside, 0);
      probs.masked_fill_(outside.expand_as(probs), 0.0);
      probs[0].masked_fill_(outside[0], 1.0);
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
  r.grid_changed = sample.image.spatial_shape() != original;
  r.probabilities = sample.image.with_data(probs, PixelType::Float32);
  r.labels = sample.image.with_data(labels.to(torch::kByte), PixelType::UInt8);
  if (preprocessed) *preprocessed = std::move(sample);
  return r;
}

std::vector<std::string> Segmenter::predict(const DatasetPtr& dataset,
                                            const std::string& out_dir) const {
  fs::create_directories(out_dir);
  std::vector<std::string> written;
  std::unique_ptr<Progress> bar;
  if (options_.show_progress)
    bar = std::make_unique<Progress>("segment", (int64_t)dataset->size(), "cases");
  for (size_t i = 0; i < dataset->size(); ++i) {
    SegmentationResult r = segment(dataset->get(i));
    if (r.grid_changed)
      spdlog::warn("{}: preprocessing changed the grid; its maps lie on the preprocessed grid",
                   r.id);
    const bool volume = r.labels.dims() == 3;
    const std::string lext = !options_.label_format.empty() ? options_.label_format
                                                            : (volume ? "nii.gz" : "png");
    const std::string pext = !options_.probability_format.empty()
                                 ? options_.probability_format
                                 : (volume ? "nii.gz" : "tif");
    const std::string base = (fs::path(out_dir) / r.id).string();
    write_image(base + "_seg." + lext, r.labels);
    written.push_back(base + "_seg." + lext);
    if (options_.write_probabilities) {
      Image p = r.probabilities;
      if (p.channels() == 2) p = p.with_data(p.data.narrow(0, 1, 1).contiguous(), PixelType::Float32);
      write_image(base + "_prob." + pext, p);
      written.push_back(base + "_prob." + pext);
    }
    if (bar) bar->advance();
  }
  return written;
}

}  // namespace medcnn
