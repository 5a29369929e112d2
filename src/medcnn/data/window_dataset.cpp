#include "medcnn/data/window_dataset.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;

double iou(const Box& a, const Box& b) {
  double inter = 1.0;
  for (int i = 0; i < a.dims; ++i)
    inter *= std::max(0.0, std::min(a.hi[i], b.hi[i]) - std::max(a.lo[i], b.lo[i]));
  const double uni = a.volume() + b.volume() - inter;
  return uni > 0 ? inter / uni : 0.0;
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

// Spatial extents of a [C, spatial...] tensor in Box order (x, y, z).
std::array<int64_t, 3> extents_of(const at::Tensor& t) {
  const int dims = int(t.dim() - 1);
  std::array<int64_t, 3> e{1, 1, 1};
  for (int a = 0; a < dims; ++a) e[a] = t.size(t.dim() - 1 - a);
  return e;
}

// An integer window of (real) extents e centred at c, shifted inside the image.
Box make_window(int dims, const std::array<double, 3>& c, const std::array<double, 3>& e,
                const std::array<int64_t, 3>& image) {
  Box w;
  w.dims = dims;
  for (int a = 0; a < dims; ++a) {
    const double size = std::clamp(std::round(e[a]), 1.0, double(image[a]));
    const double lo = std::clamp(std::round(c[a] - size / 2), 0.0, double(image[a]) - size);
    w.lo[a] = lo;
    w.hi[a] = lo + size;
  }
  return w;
}

std::array<double, 3> aspect_extents(int dims, double side, double aspect) {
  std::array<double, 3> e{side * aspect, side, side};
  if (dims == 1) e[0] = side;
  return e;
}

std::string window_text(const Box& w) {
  std::ostringstream s;
  for (int a = 0; a < w.dims; ++a) s << (a ? " " : "") << w.lo[a];
  for (int a = 0; a < w.dims; ++a) s << " " << w.hi[a];
  return s.str();
}

}  // namespace

at::Tensor crop_and_resize(const at::Tensor& image, const std::vector<Box>& windows,
                           const std::vector<int64_t>& size) {
  const int dims = int(image.dim() - 1);
  if (dims < 2 || dims > 3 || int(size.size()) != dims)
    throw DataError("crop_and_resize", "needs a [C, H, W] or [C, D, H, W] image and a size per "
                                       "spatial axis");
  std::vector<at::Tensor> out;
  const at::Tensor src = image.to(torch::kFloat);
  size_t i = 0;
  while (i < windows.size()) {
    // a run of windows of the same size: cropped as views, stacked, resized at once
    size_t j = i + 1;
    auto same = [&](const Box& a, const Box& b) {
      for (int k = 0; k < dims; ++k)
        if (a.extent(k) != b.extent(k)) return false;
      return true;
    };
    while (j < windows.size() && same(windows[j], windows[i])) ++j;
    std::vector<at::Tensor> crops;
    crops.reserve(j - i);
    for (size_t k = i; k < j; ++k) {
      at::Tensor c = src;
      for (int a = 0; a < dims; ++a) {
        const int64_t lo = int64_t(windows[k].lo[a]), len = int64_t(windows[k].extent(a));
        const int64_t axis = dims - a;  // tensor axis of box axis a (channel first)
        if (lo < 0 || len < 1 || lo + len > src.size(axis))
          throw DataError("crop_and_resize", "window " + window_text(windows[k]) +
                                                 " is not inside the image");
        c = c.narrow(axis, lo, len);
      }
      crops.push_back(c);
    }
    at::Tensor batch = at::stack(crops);
    bool resize = false;
    for (int a = 0; a < dims; ++a) resize |= batch.size(2 + a) != size[a];
    if (resize) {
      F::InterpolateFuncOptions o = F::InterpolateFuncOptions().size(size).align_corners(false);
      if (dims == 2) o.mode(torch::kBilinear);
      else o.mode(torch::kTrilinear);
      batch = F::interpolate(batch, o);
    }
    out.push_back(batch);
    i = j;
  }
  if (out.empty()) {
    std::vector<int64_t> shape{0, image.size(0)};
    shape.insert(shape.end(), size.begin(), size.end());
    return at::zeros(shape, src.options());
  }
  return out.size() == 1 ? out[0] : at::cat(out);
}

at::Tensor crop_and_resize(const at::Tensor& image, const Box& window,
                           const std::vector<int64_t>& size) {
  return crop_and_resize(image, std::vector<Box>{window}, size)[0];
}

WindowDataset::WindowDataset(DatasetPtr base, WindowDatasetOptions options)
    : base_(std::move(base)), options_(std::move(options)) {
  if (options_.positives < 0 || options_.negatives < 0 ||
      options_.positives + options_.negatives < 1)
    throw ConfigError("localization.positives", "positives and negatives must be >= 0, "
                                                "and at least one window per image");
  if (!(options_.aspect > 0)) throw ConfigError("localization.aspect", "must be > 0");
  if (!(options_.jitter >= 0 && options_.jitter <= 0.5))
    throw ConfigError("localization.jitter", "must be in [0, 0.5]");
  if (!(options_.negative_iou > 0 && options_.negative_iou <= 0.6))
    throw ConfigError("localization.negative_iou", "must be in (0, 0.6]");
  classes_ = {"background"};
  for (const auto& c : base_->class_names()) classes_.push_back(c);
  const auto base_labels = base_->labels();
  Rng pre_rng(0);
  for (size_t i = 0; i < base_->size(); ++i) {
    Sample s = base_->get(i);
    if (options_.preprocess) options_.preprocess->apply(s, pre_rng);
    if (s.boxes.size() != 1)
      throw DataError(s.id.empty() ? base_->describe() : s.id,
                      "a window data set needs exactly one box per case, found " +
                          std::to_string(s.boxes.size()));
    const int dims = s.image.dims();
    if (int(options_.window_size.size()) != dims)
      throw ConfigError("localization.window_size",
                        "needs " + std::to_string(dims) + " values for " + std::to_string(dims) +
                            "-D images");
    Box box = s.boxes[0];
    int64_t cls = box.label >= 0 ? box.label : s.label;
    if (cls < 0 && i < base_labels.size()) cls = base_labels[i];
    if (cls < 0) throw DataError(s.id, "the object has no class");
    if (classes_.size() < size_t(cls) + 2)
      for (size_t c = classes_.size(); c < size_t(cls) + 2; ++c)
        classes_.push_back(std::to_string(c - 1));
    boxes_.push_back(box);
    ids_.push_back(s.id);
    const auto E = extents_of(s.image.data);
    if (options_.cache_images) images_.push_back(s.image.data.to(torch::kFloat).contiguous());

    // the pyramid's window sides on this image
    std::vector<double> sides;
    if (!options_.window_sizes.empty()) {
      for (auto v : options_.window_sizes) sides.push_back(double(v));
    } else {
      int64_t shorter = E[0];
      for (int a = 1; a < dims; ++a) shorter = std::min(shorter, E[a]);
      for (double sc : options_.scales) sides.push_back(sc * double(shorter));
    }
    if (sides.empty()) throw ConfigError("localization.scales", "no window sizes");

    Rng rng = Rng::derive(options_.seed, {fnv1a(s.id)});
    const auto centre = box.centre();
    double volume = 1.0;
    for (int a = 0; a < dims; ++a) volume *= std::max(box.extent(a), 1.0);
    const double fit_side = std::pow(volume / options_.aspect, 1.0 / dims);
    const auto fit = aspect_extents(dims, fit_side, options_.aspect);
    int64_t k = 0;
    auto add = [&](const Box& w, int64_t label) {
      windows_.push_back(w);
      cases_.push_back(i);
      ordinal_.push_back(size_t(k++));
      labels_.push_back(label);
    };
    for (int64_t p = 0; p < options_.positives; ++p) {
      Box chosen;
      bool found = false;
      for (int t = 0; t < 50 && !found; ++t) {
        const double f = std::exp(rng.uniform(-2 * options_.jitter, 2 * options_.jitter));
        std::array<double, 3> c = centre, e = fit;
        for (int a = 0; a < dims; ++a) {
          e[a] = fit[a] * f;
          c[a] = centre[a] + rng.uniform(-options_.jitter, options_.jitter) * fit[a];
        }
        Box w = make_window(dims, c, e, E);
        if (iou(w, box) >= 0.6) {
          chosen = w;
          found = true;
        }
      }
      if (!found) {
        chosen = make_window(dims, centre, fit, E);
        if (iou(chosen, box) < 0.6) {
          std::array<double, 3> e{};
          for (int a = 0; a < dims; ++a) e[a] = box.extent(a);
          chosen = make_window(dims, centre, e, E);
        }
      }
      add(chosen, cls + 1);
      ++n_positive_;
    }
    const int64_t hard = int64_t(std::round(options_.hard_fraction * double(options_.negatives)));
    for (int64_t n = 0; n < options_.negatives; ++n) {
      for (int t = 0; t < 200; ++t) {
        const double side = sides[size_t(rng.randint(0, int64_t(sides.size()) - 1))];
        const auto e = aspect_extents(dims, side, options_.aspect);
        std::array<double, 3> c{0, 0, 0};
        for (int a = 0; a < dims; ++a) {
          if (n < hard) {
            const double reach = std::max(e[a], box.extent(a));
            c[a] = centre[a] + rng.uniform(-1.0, 1.0) * reach;
          } else {
            c[a] = rng.uniform(0.0, double(E[a]));
          }
        }
        Box w = make_window(dims, c, e, E);
        if (iou(w, box) < options_.negative_iou) {
          add(w, 0);
          break;
        }
      }
    }
  }
}

at::Tensor WindowDataset::image_of(size_t base_case) const {
  if (options_.cache_images) return images_.at(base_case);
  Sample s = base_->get(base_case);
  Rng rng(0);
  if (options_.preprocess) options_.preprocess->apply(s, rng);
  return s.image.data.to(torch::kFloat);
}

Sample WindowDataset::get(size_t i) const {
  const size_t c = cases_.at(i);
  const at::Tensor img = image_of(c);
  Sample s;
  s.id = ids_[c] + "#" + std::to_string(ordinal_[i]);
  s.image = Image::from_tensor(crop_and_resize(img, windows_[i], options_.window_size),
                               int(img.dim() - 1));
  s.label = labels_[i];
  s.meta["window"] = window_text(windows_[i]);
  return s;
}

std::string WindowDataset::describe() const {
  return "windows of " + base_->describe() + " (" + std::to_string(windows_.size()) + ": " +
         std::to_string(n_positive_) + " object, " +
         std::to_string(windows_.size() - size_t(n_positive_)) + " background, from " +
         std::to_string(boxes_.size()) + " images)";
}

}  // namespace medcnn
