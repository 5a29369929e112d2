#include "medcnn/transforms/intensity/intensity_ops.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <cmath>
#include <map>

#include "medcnn/core/error.h"

namespace medcnn::intensity_ops {

namespace {
std::string where(const std::string& t, const std::string& k) { return t + "." + k; }
}  // namespace

std::pair<double, double> param_range(const Params& p, const std::string& t, const std::string& key,
                                      std::pair<double, double> def, double center,
                                      bool number_is_hi) {
  if (p.is_null() || !p.contains(key) || p[key].is_null()) return def;
  const auto& v = p[key];
  if (v.is_number()) {
    const double x = v.get<double>();
    if (number_is_hi) {
      if (x < center)
        throw ConfigError(where(t, key), "a single number must be >= " + std::to_string(center));
      return {center, x};
    }
    return {center - std::abs(x), center + std::abs(x)};
  }
  if (v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number()) {
    const double lo = v[0].get<double>(), hi = v[1].get<double>();
    if (lo > hi) throw ConfigError(where(t, key), "expected [lo, hi] with lo <= hi");
    return {lo, hi};
  }
  throw ConfigError(where(t, key), "expected a number or a list [lo, hi]");
}

std::vector<double> param_doubles(const Params& p, const std::string& t, const std::string& key,
                                  std::vector<double> def) {
  if (p.is_null() || !p.contains(key) || p[key].is_null()) return def;
  const auto& v = p[key];
  if (v.is_number()) return {v.get<double>()};
  if (!v.is_array() || v.empty())
    throw ConfigError(where(t, key), "expected a number or a list of numbers");
  std::vector<double> out;
  for (const auto& x : v) {
    if (!x.is_number()) throw ConfigError(where(t, key), "expected a list of numbers");
    out.push_back(x.get<double>());
  }
  return out;
}

at::Tensor float_copy(const Image& image) {
  return image.data.to(torch::kFloat, /*non_blocking=*/false, /*copy=*/true);
}

void set_float(Sample& sample, const at::Tensor& data) {
  sample.image = sample.image.with_data(data.to(torch::kFloat).contiguous(), PixelType::Float32);
}

std::pair<double, double> percentiles(const at::Tensor& values, double lo_q, double hi_q) {
  const at::Tensor v = values.reshape({-1}).to(torch::kDouble);
  const int64_t n = v.numel();
  if (n == 0) return {0.0, 0.0};
  // k-th smallest (0-based) by selection, O(n), instead of a full sort.
  std::map<int64_t, double> kth;
  auto value = [&](int64_t k) {
    auto it = kth.find(k);
    if (it != kth.end()) return it->second;
    const double x = std::get<0>(v.kthvalue(k + 1)).item<double>();
    kth.emplace(k, x);
    return x;
  };
  auto at_q = [&](double q) {
    q = std::clamp(q, 0.0, 100.0);
    const double pos = q / 100.0 * static_cast<double>(n - 1);
    const int64_t i = static_cast<int64_t>(std::floor(pos));
    const int64_t j = std::min(i + 1, n - 1);
    const double f = pos - static_cast<double>(i);
    const double a = value(i);
    return f == 0.0 ? a : a + (value(j) - a) * f;
  };
  return {at_q(lo_q), at_q(hi_q)};
}

double percentile(const at::Tensor& values, double q) { return percentiles(values, q, q).first; }

at::Tensor foreground(const Sample& sample, const std::string& t) {
  if (!sample.mask || !sample.mask->defined())
    throw DataError(t + (sample.id.empty() ? "" : " (" + sample.id + ")"),
                    "needs a mask but the sample has none");
  const at::Tensor m = sample.mask->data;
  const auto img_shape = sample.image.spatial_shape();
  std::vector<int64_t> m_shape(m.sizes().begin() + 1, m.sizes().end());
  if (m_shape != img_shape)
    throw GeometryError(t + (sample.id.empty() ? "" : " (" + sample.id + ")"),
                        "mask shape differs from the image's");
  return (m > 0).any(0).to(sample.image.data.device());
}

at::Generator torch_generator(Rng& rng) {
  return at::detail::createCPUGenerator(rng.next() >> 1);
}

}  // namespace medcnn::intensity_ops
