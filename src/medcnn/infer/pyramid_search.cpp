#include "medcnn/infer/pyramid_search.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"
#include "medcnn/data/window_dataset.h"
#include "medcnn/metrics/detection.h"

namespace medcnn {
namespace {

double number(const nlohmann::json& j, const std::string& where, const char* key, double def) {
  if (!j.contains(key)) return def;
  const auto& v = j.at(key);
  if (!v.is_number()) throw ConfigError(where + "." + key, "expected a number, got " + v.dump());
  return v.get<double>();
}

int64_t integer(const nlohmann::json& j, const std::string& where, const char* key, int64_t def) {
  if (!j.contains(key)) return def;
  const auto& v = j.at(key);
  if (!v.is_number_integer())
    throw ConfigError(where + "." + key, "expected an integer, got " + v.dump());
  return v.get<int64_t>();
}

template <class T>
std::vector<T> numbers(const nlohmann::json& j, const std::string& where, const char* key) {
  const auto& v = j.at(key);
  std::vector<T> out;
  const nlohmann::json list = v.is_number() ? nlohmann::json::array({v}) : v;
  if (!list.is_array()) throw ConfigError(where + "." + key, "expected a list of numbers");
  for (const auto& e : list) {
    const bool integral = std::is_integral<T>::value;
    if (integral ? !e.is_number_integer() : !e.is_number())
      throw ConfigError(where + "." + key, std::string("expected ") +
                                               (integral ? "integers" : "numbers") + ", got " +
                                               e.dump());
    out.push_back(e.get<T>());
  }
  return out;
}

// Window starts on one axis: a grid of `step` from 0, plus the far edge.
std::vector<int64_t> starts(int64_t extent, int64_t size, int64_t step) {
  std::vector<int64_t> out;
  for (int64_t s = 0; s + size <= extent; s += step) out.push_back(s);
  if (out.empty() || out.back() + size < extent) out.push_back(extent - size);
  return out;
}

}  // namespace

std::vector<double> default_pyramid_scales() {
  std::vector<double> s;
  for (int i = 0; i < 8; ++i) s.push_back(0.1 * std::pow(6.0, i / 7.0));
  return s;
}

PyramidOptions PyramidOptions::from_json(const nlohmann::json& j, const std::string& where) {
  PyramidOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw ConfigError(where, "must be a table");
  check_keys(j, where, {"scales", "window_sizes", "aspect", "stride", "batch_size", "refine_top"});
  if (j.contains("window_sizes")) o.window_sizes = numbers<int64_t>(j, where, "window_sizes");
  if (j.contains("scales")) o.scales = numbers<double>(j, where, "scales");
  o.aspect = number(j, where, "aspect", o.aspect);
  o.stride = number(j, where, "stride", o.stride);
  o.batch_size = integer(j, where, "batch_size", o.batch_size);
  o.refine_top = integer(j, where, "refine_top", o.refine_top);
  if (o.window_sizes.empty() && o.scales.empty())
    throw ConfigError(where + ".scales", "empty: give at least one scale (or window_sizes)");
  for (double s : o.scales)
    if (!(s > 0) || !std::isfinite(s))
      throw ConfigError(where + ".scales", "every scale must be > 0, got " + std::to_string(s));
  for (int64_t s : o.window_sizes)
    if (s < 1)
      throw ConfigError(where + ".window_sizes", "every size must be >= 1, got " +
                                                     std::to_string(s));
  if (!(o.stride > 0) || o.stride > 1)
    throw ConfigError(where + ".stride", "must be in (0, 1] (a fraction of the window), got " +
                                             std::to_string(o.stride));
  if (!(o.aspect > 0) || !std::isfinite(o.aspect))
    throw ConfigError(where + ".aspect", "must be > 0");
  if (o.batch_size < 1) throw ConfigError(where + ".batch_size", "must be >= 1");
  if (o.refine_top < 0) throw ConfigError(where + ".refine_top", "must be >= 0");
  return o;
}

nlohmann::json PyramidOptions::to_json() const {
  return {{"scales", scales}, {"window_sizes", window_sizes}, {"aspect", aspect},
          {"stride", stride}, {"batch_size", batch_size}, {"refine_top", refine_top}};
}

std::vector<Box> enumerate_windows(const std::vector<int64_t>& shape,
                                   const PyramidOptions& options) {
  const int dims = int(shape.size());
  if (dims < 2 || dims > 3)
    throw DataError("pyramid search", "needs a 2-D or 3-D image, got " + std::to_string(dims) +
                                          " spatial axes");
  std::array<int64_t, 3> E{1, 1, 1};  // x, y, z
  for (int a = 0; a < dims; ++a) E[a] = shape[size_t(dims - 1 - a)];
  std::vector<double> sides;
  if (!options.window_sizes.empty()) {
    for (auto v : options.window_sizes) sides.push_back(double(v));
  } else {
    const int64_t shorter = *std::min_element(shape.begin(), shape.end());
    for (double s : options.scales) sides.push_back(s * double(shorter));
  }
  std::vector<std::array<int64_t, 3>> sizes;
  for (double s : sides) {
    std::array<int64_t, 3> sz{1, 1, 1};
    for (int a = 0; a < dims; ++a) {
      const double e = a == 0 ? s * options.aspect : s;
      sz[a] = std::clamp<int64_t>(int64_t(std::llround(e)), 1, E[a]);
    }
    if (std::find(sizes.begin(), sizes.end(), sz) == sizes.end()) sizes.push_back(sz);
  }
  std::vector<Box> out;
  for (const auto& sz : sizes) {
    std::array<std::vector<int64_t>, 3> st;
    for (int a = 0; a < 3; ++a) {
      const int64_t step = std::max<int64_t>(1, std::llround(options.stride * double(sz[a])));
      st[a] = a < dims ? starts(E[a], sz[a], step) : std::vector<int64_t>{0};
    }
    for (int64_t z : st[2])
      for (int64_t y : st[1])
        for (int64_t x : st[0]) {
          Box b;
          b.dims = dims;
          const std::array<int64_t, 3> lo{x, y, z};
          for (int a = 0; a < dims; ++a) {
            b.lo[a] = double(lo[a]);
            b.hi[a] = double(lo[a] + sz[a]);
          }
          out.push_back(b);
        }
  }
  return out;
}

PyramidResult pyramid_search(const at::Tensor& image, const WindowScorer& scorer,
                             const std::vector<int64_t>& input_size,
                             const PyramidOptions& options) {
  const int dims = int(image.dim() - 1);
  std::vector<int64_t> shape(image.sizes().begin() + 1, image.sizes().end());
  const std::vector<Box> windows = enumerate_windows(shape, options);
  if (int(input_size.size()) != dims)
    throw DataError("pyramid search", "the window classifier's input size has " +
                                          std::to_string(input_size.size()) + " axes, the image " +
                                          std::to_string(dims));
  std::vector<double> score(windows.size());
  at::Tensor probs;  // [N, K + 1] on the CPU
  std::vector<at::Tensor> parts;
  const size_t bs = size_t(std::max<int64_t>(1, options.batch_size));
  for (size_t i = 0; i < windows.size(); i += bs) {
    const size_t j = std::min(windows.size(), i + bs);
    std::vector<Box> batch(windows.begin() + int64_t(i), windows.begin() + int64_t(j));
    at::Tensor p = scorer(crop_and_resize(image, batch, input_size));
    p = p.to(torch::kCPU, torch::kDouble);
    if (p.dim() != 2 || p.size(0) != int64_t(j - i) || p.size(1) < 2)
      throw DataError("pyramid search", "the window scorer must return [" +
                                            std::to_string(j - i) +
                                            ", K + 1 >= 2] class probabilities");
    parts.push_back(p.contiguous());
  }
  probs = at::cat(parts);
  const auto acc = probs.accessor<double, 2>();
  size_t best = 0;
  for (size_t i = 0; i < windows.size(); ++i) {
    score[i] = 1.0 - acc[int64_t(i)][0];
    if (score[i] > score[best]) best = i;
  }
  PyramidResult r;
  r.windows = windows.size();
  r.best_window = windows[best];
  r.box = windows[best];
  const int64_t K = probs.size(1) - 1;
  double total = 0;
  for (int64_t k = 0; k < K; ++k) total += acc[int64_t(best)][k + 1];
  int64_t label = 0;
  for (int64_t k = 0; k < K; ++k) {
    const double v = acc[int64_t(best)][k + 1];
    r.probabilities.push_back(total > 0 ? v / total : 1.0 / double(K));
    if (v > acc[int64_t(best)][label + 1]) label = k;
  }
  if (options.refine_top > 1) {
    std::vector<size_t> near;
    for (size_t i = 0; i < windows.size(); ++i)
      if (i == best || box_iou(windows[i], windows[best]) >= 0.5) near.push_back(i);
    std::stable_sort(near.begin(), near.end(),
                     [&](size_t a, size_t b) { return score[a] > score[b]; });
    if (near.size() > size_t(options.refine_top)) near.resize(size_t(options.refine_top));
    double w = 0;
    std::array<double, 3> lo{0, 0, 0}, hi{0, 0, 0};
    for (size_t i : near) {
      w += score[i];
      for (int a = 0; a < dims; ++a) {
        lo[a] += score[i] * windows[i].lo[a];
        hi[a] += score[i] * windows[i].hi[a];
      }
    }
    if (w > 0)
      for (int a = 0; a < dims; ++a) {
        r.box.lo[a] = lo[a] / w;
        r.box.hi[a] = hi[a] / w;
      }
  }
  r.box.label = int(label);
  r.box.score = float(score[best]);
  r.best_window.label = r.box.label;
  r.best_window.score = r.box.score;
  return r;
}

WindowScorer network_window_scorer(const std::vector<NetworkPtr>& models,
                                   const c10::Device& device) {
  return [models, device](const at::Tensor& x) {
    torch::NoGradGuard no_grad;
    at::Tensor in = x.to(device, torch::kFloat);
    at::Tensor sum;
    for (const auto& m : models) {
      m->eval();
      at::Tensor p = torch::softmax(m->forward(in).to(torch::kFloat), 1);
      sum = sum.defined() ? sum + p : p;
    }
    return sum / double(models.size());
  };
}

bool PyramidModel::is_pyramid(const nlohmann::json& meta) {
  return meta.is_object() && meta.contains("localization") && meta["localization"].is_object() &&
         meta["localization"].value("method", std::string()) == "pyramid";
}

PyramidModel PyramidModel::from_meta(const nlohmann::json& meta) {
  if (!is_pyramid(meta))
    throw FormatError("model", "not a pyramid-of-scales localizer (no localization.method "
                               "\"pyramid\" in its metadata)");
  const auto& l = meta["localization"];
  PyramidModel m;
  try {
    m.window_size = l.at("window_size").get<std::vector<int64_t>>();
  } catch (const nlohmann::json::exception&) {
    throw FormatError("model", "localization.window_size missing or not a list of integers");
  }
  m.options = PyramidOptions::from_json(l.value("pyramid", nlohmann::json::object()),
                                        "localization.pyramid");
  return m;
}

nlohmann::json PyramidModel::to_meta() const {
  return {{"method", "pyramid"}, {"window_size", window_size}, {"pyramid", options.to_json()}};
}

}  // namespace medcnn
