#include "medcnn/infer/sliding_window.h"

#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/core/params.h"

namespace medcnn {
namespace {

namespace F = torch::nn::functional;
using torch::indexing::Slice;

std::string shape_str(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// Every subset of `axes` (as lists of tensor dims, offset by 2), the empty one first.
std::vector<std::vector<int64_t>> flip_sets(const std::vector<int64_t>& axes) {
  std::vector<std::vector<int64_t>> out;
  for (size_t mask = 0; mask < (size_t(1) << axes.size()); ++mask) {
    std::vector<int64_t> dims;
    for (size_t i = 0; i < axes.size(); ++i)
      if (mask & (size_t(1) << i)) dims.push_back(axes[i] + 2);
    out.push_back(dims);
  }
  return out;
}

}  // namespace

SlidingWindowOptions SlidingWindowOptions::from_json(const nlohmann::json& j,
                                                     const std::string& where) {
  SlidingWindowOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) throw ConfigError(where, "must be a table");
  check_keys(j, where, {"roi_size", "overlap", "mode", "sigma_scale", "sw_batch_size", "flip"});
  auto ints = [&](const char* key) {
    std::vector<int64_t> v;
    const auto& x = j.at(key);
    if (x.is_number_integer()) return std::vector<int64_t>{x.get<int64_t>()};
    if (!x.is_array()) throw ConfigError(where + "." + key, "expected a list of integers");
    for (const auto& e : x) {
      if (!e.is_number_integer())
        throw ConfigError(where + "." + key, "expected integers, got " + e.dump());
      v.push_back(e.get<int64_t>());
    }
    return v;
  };
  if (j.contains("roi_size")) o.roi_size = ints("roi_size");
  if (j.contains("flip")) o.flip = ints("flip");
  o.overlap = j.value("overlap", o.overlap);
  o.mode = j.value("mode", o.mode);
  o.sigma_scale = j.value("sigma_scale", o.sigma_scale);
  o.sw_batch_size = j.value("sw_batch_size", o.sw_batch_size);
  if (o.overlap < 0 || o.overlap >= 1) throw ConfigError(where + ".overlap", "must be in [0, 1)");
  if (o.mode != "gaussian" && o.mode != "constant")
    throw ConfigError(where + ".mode", "'" + o.mode + "': use \"gaussian\" or \"constant\"");
  if (o.sigma_scale <= 0) throw ConfigError(where + ".sigma_scale", "must be > 0");
  if (o.sw_batch_size < 1) throw ConfigError(where + ".sw_batch_size", "must be >= 1");
  return o;
}

std::vector<int64_t> window_starts(int64_t size, int64_t roi, double overlap) {
  if (roi >= size) return {0};
  const double step = std::max(1.0, roi * (1.0 - overlap));
  const int64_t n = static_cast<int64_t>(std::ceil((size - roi) / step)) + 1;
  std::vector<int64_t> out;
  for (int64_t i = 0; i < n; ++i)
    out.push_back(static_cast<int64_t>(std::nearbyint(double(size - roi) * i / double(n - 1))));
  return out;
}

at::Tensor window_weights(const std::vector<int64_t>& roi, const std::string& mode,
                          double sigma_scale) {
  at::Tensor w = torch::ones({1}, torch::kFloat);
  if (mode == "constant") return torch::ones(roi, torch::kFloat);
  for (int64_t r : roi) {
    const double sigma = sigma_scale * r;
    at::Tensor x = torch::arange(r, torch::kDouble) - (r - 1) / 2.0;
    at::Tensor g = (-(x * x) / (2 * sigma * sigma)).exp();
    w = w.unsqueeze(-1) * g.to(torch::kFloat);
  }
  w = w.reshape(roi);
  w = w / w.max();
  const float min_positive = w.masked_select(w.gt(0)).min().item<float>();
  return w.clamp_min(min_positive);
}

at::Tensor sliding_window_inference(const at::Tensor& image, const WindowPredictor& predictor,
                                    const SlidingWindowOptions& o) {
  const int64_t d = image.dim() - 2;
  if (d < 1 || d > 3)
    throw DataError("sliding window", "expected an image [B, C, spatial...] with 1-3 spatial "
                                      "axes, got " + shape_str(image.sizes()));
  if (o.overlap < 0 || o.overlap >= 1)
    throw ConfigError("sliding_window.overlap", "must be in [0, 1)");
  if (o.sw_batch_size < 1) throw ConfigError("sliding_window.sw_batch_size", "must be >= 1");
  if (!o.roi_size.empty() && o.roi_size.size() != 1 && (int64_t)o.roi_size.size() != d)
    throw ConfigError("sliding_window.roi_size", "needs 1 or " + std::to_string(d) +
                                                     " values, got " +
                                                     std::to_string(o.roi_size.size()));
  for (auto a : o.flip)
    if (a < 0 || a >= d)
      throw ConfigError("sliding_window.flip", "axis " + std::to_string(a) +
                                                   " is not a spatial axis (0.." +
                                                   std::to_string(d - 1) + ")");
  std::vector<int64_t> size(image.sizes().begin() + 2, image.sizes().end()), roi(d), padded(d);
  for (int64_t a = 0; a < d; ++a) {
    int64_t r = o.roi_size.empty() ? 0 : o.roi_size[o.roi_size.size() == 1 ? 0 : a];
    roi[a] = r <= 0 ? size[a] : r;
    padded[a] = std::max(size[a], roi[a]);
  }
  // Zero-pad at the far end where the image is smaller than the window.
  at::Tensor x = image;
  std::vector<int64_t> pad;
  bool need_pad = false;
  for (int64_t a = d - 1; a >= 0; --a) {
    pad.push_back(0);
    pad.push_back(padded[a] - size[a]);
    need_pad = need_pad || padded[a] > size[a];
  }
  if (need_pad) x = F::pad(x, F::PadFuncOptions(pad));

  std::vector<std::vector<int64_t>> starts(d);
  for (int64_t a = 0; a < d; ++a) starts[a] = window_starts(padded[a], roi[a], o.overlap);
  std::vector<std::vector<int64_t>> windows{{}};
  for (int64_t a = 0; a < d; ++a) {
    std::vector<std::vector<int64_t>> next;
    for (const auto& w : windows)
      for (auto s : starts[a]) {
        auto v = w;
        v.push_back(s);
        next.push_back(v);
      }
    windows = next;
  }

  const at::Tensor weight = window_weights(roi, o.mode, o.sigma_scale).to(o.stitch_device);
  const auto flips = flip_sets(o.flip);
  const int64_t b = x.size(0);
  at::Tensor out, norm;  // [B, K, padded...], [padded...]
  auto region = [&](const std::vector<int64_t>& start, bool with_bk) {
    std::vector<at::indexing::TensorIndex> idx;
    if (with_bk) {
      idx.emplace_back(Slice());
      idx.emplace_back(Slice());
    }
    for (int64_t a = 0; a < d; ++a) idx.emplace_back(Slice(start[a], start[a] + roi[a]));
    return idx;
  };
  for (size_t first = 0; first < windows.size(); first += o.sw_batch_size) {
    const size_t last = std::min(windows.size(), first + size_t(o.sw_batch_size));
    std::vector<at::Tensor> crops;
    for (size_t w = first; w < last; ++w) crops.push_back(x.index(region(windows[w], true)));
    at::Tensor batch = torch::cat(crops, 0);  // [(last-first)*B, C, roi...]
    at::Tensor pred;
    for (const auto& dims : flips) {
      at::Tensor in = dims.empty() ? batch : batch.flip(dims);
      at::Tensor y = predictor(in);
      if (y.dim() != batch.dim() || !std::equal(roi.begin(), roi.end(), y.sizes().begin() + 2))
        throw DataError("sliding window", "the network's output " + shape_str(y.sizes()) +
                                              " does not lie on the window's grid " +
                                              shape_str(roi));
      if (!dims.empty()) y = y.flip(dims);
      y = y.to(torch::kFloat);
      pred = pred.defined() ? pred + y : y;
    }
    if (flips.size() > 1) pred = pred / double(flips.size());
    pred = pred.to(o.stitch_device);
    if (!out.defined()) {
      std::vector<int64_t> shape{b, pred.size(1)};
      shape.insert(shape.end(), padded.begin(), padded.end());
      out = torch::zeros(shape, pred.options());
      norm = torch::zeros(padded, pred.options());
    }
    for (size_t w = first; w < last; ++w) {
      at::Tensor piece = pred.narrow(0, int64_t(w - first) * b, b);
      auto r = region(windows[w], true);
      out.index(r).add_(piece * weight);
      norm.index(region(windows[w], false)).add_(weight);
    }
  }
  out = out / norm;
  for (int64_t a = 0; a < d; ++a)
    if (padded[a] != size[a]) out = out.narrow(a + 2, 0, size[a]);
  return out.contiguous();
}

}  // namespace medcnn
