#include "medcnn/pyramid_run.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/core/runtime.h"
#include "medcnn/infer/pyramid_search.h"
#include "medcnn/transforms/transform.h"

namespace medcnn::cli {

std::vector<LocalizedCase> run_pyramid_localization(const std::vector<NetworkPtr>& models,
                                                    const nlohmann::json& meta,
                                                    const DatasetPtr& data,
                                                    const std::string& device,
                                                    const BoxSampling& sampling) {
  if (sampling.mc_samples > 0)
    throw ConfigError("--mc-samples", "Monte-Carlo passes are not available for a "
                                      "pyramid-of-scales localizer (use --tta)");
  const auto classes = meta.value("classes", std::vector<std::string>{});
  const PyramidModel pm = PyramidModel::from_meta(meta);
  const Compose preprocess = make_transforms(meta.value("preprocess", nlohmann::json::array()));
  const c10::Device dev = parse_device(device);
  const WindowScorer scorer = network_window_scorer(models, dev);
  torch::NoGradGuard no_grad;
  std::vector<LocalizedCase> out;
  size_t windows = 0;
  const auto start = std::chrono::steady_clock::now();
  for (size_t i = 0; i < data->size(); ++i) {
    Sample s = data->get(i);
    LocalizedCase c = LocalizedCase::of(s);
    const std::vector<int64_t> original = s.image.spatial_shape();
    Rng rng(0);
    preprocess.apply(s, rng);
    const std::vector<int64_t> size = s.image.spatial_shape();
    const at::Tensor image = s.image.data.to(dev, torch::kFloat);
    std::vector<std::vector<int64_t>> views{{}};  // spatial axes flipped
    if (sampling.tta_flips)
      for (int64_t a = 0; a < int64_t(size.size()); ++a) views.push_back({a});
    std::vector<Box> boxes;
    Probabilities probs;
    for (const auto& axes : views) {
      at::Tensor v = image;
      for (int64_t a : axes) v = v.flip({a + 1});
      PyramidResult r = pyramid_search(v, scorer, pm.window_size, pm.options);
      windows += r.windows;
      std::vector<Box> b = flip_boxes({r.box}, axes, size);
      rescale_boxes(b, size, original);
      if (b[0].label < 0 || b[0].label >= int(classes.size()))
        throw FormatError("model", "the window classifier has more object classes than the "
                                   "model's metadata names");
      boxes.push_back(b[0]);
      probs.push_back(r.probabilities);
    }
    FusedBox f = fuse_localizations(boxes, probs);
    double score = 0;  // 1 - p(background), as documented, averaged over the views
    for (const Box& b : boxes) score += b.score / double(boxes.size());
    f.box.score = float(score);
    f.box.class_name = classes[size_t(f.box.label)];
    c.box = f.box;
    c.probabilities = f.probabilities;
    c.uncertainty = f.uncertainty;
    c.samples = int64_t(views.size());
    out.push_back(std::move(c));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("pyramid search: {} images, {} windows scored, {:.1f} s", out.size(), windows,
               seconds);
  return out;
}

}  // namespace medcnn::cli
