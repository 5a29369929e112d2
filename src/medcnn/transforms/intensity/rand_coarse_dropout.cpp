#include "medcnn/transforms/intensity/rand_coarse_dropout.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

RandCoarseDropout::RandCoarseDropout(const Params& p) {
  check_keys(p, name(), {"holes", "max_holes", "spatial_size", "max_spatial_size", "fill_value",
                         "dropout_holes", "prob"});
  prob_ = intensity_ops::param_prob(p, name(), 0.1);
  holes_ = param_int(p, name(), "holes", 1);
  if (holes_ < 1) throw ConfigError(name() + ".holes", "must be >= 1");
  max_holes_ = param_int(p, name(), "max_holes", -1);
  if (max_holes_ != -1 && max_holes_ < holes_) throw ConfigError(name() + ".max_holes", "must be >= holes");
  spatial_size_ = param_ints(p, name(), "spatial_size", {8});
  max_spatial_size_ = param_ints(p, name(), "max_spatial_size", {});
  for (int64_t s : spatial_size_)
    if (s < 1) throw ConfigError(name() + ".spatial_size", "must be >= 1");
  if (!p.is_null() && p.contains("fill_value") && !p["fill_value"].is_null())
    fill_value_ = param_double(p, name(), "fill_value", 0.0);
  dropout_holes_ = param_bool(p, name(), "dropout_holes", true);
}

void RandCoarseDropout::apply(Sample& sample, Rng& rng) const {
  if (!rng.bernoulli(prob_)) return;
  at::Tensor x = intensity_ops::float_copy(sample.image);
  const int64_t dims = x.dim() - 1;
  auto per_axis = [&](const std::vector<int64_t>& v, int64_t a, const char* key) {
    if (v.size() == 1) return v[0];
    if (static_cast<int64_t>(v.size()) != dims)
      throw ConfigError(name() + "." + key, "has " + std::to_string(v.size()) + " values for a " +
                                                std::to_string(dims) + "-D image");
    return v[a];
  };
  const int64_t count = max_holes_ > 0 ? rng.randint(holes_, max_holes_) : holes_;
  at::Tensor hole = torch::zeros(x.sizes().slice(1), torch::TensorOptions().dtype(torch::kBool).device(x.device()));
  for (int64_t h = 0; h < count; ++h) {
    std::vector<at::indexing::TensorIndex> idx;
    for (int64_t a = 0; a < dims; ++a) {
      const int64_t n = x.size(a + 1);
      int64_t size = per_axis(spatial_size_, a, "spatial_size");
      if (!max_spatial_size_.empty())
        size = rng.randint(size, std::max(size, per_axis(max_spatial_size_, a, "max_spatial_size")));
      size = std::min(size, n);
      const int64_t start = rng.randint(0, n - size);
      idx.emplace_back(torch::indexing::Slice(start, start + size));
    }
    hole.index_put_(idx, true);
  }
  at::Tensor fill;
  if (fill_value_) {
    fill = torch::full_like(x, *fill_value_);
  } else {
    const double lo = x.min().item<double>(), hi = x.max().item<double>();
    at::Generator gen = intensity_ops::torch_generator(rng);
    fill = (torch::rand(x.sizes(), gen, torch::kFloat) * (hi - lo) + lo).to(x.device());
  }
  at::Tensor where = dropout_holes_ ? hole : ~hole;
  x = torch::where(where.unsqueeze(0), fill, x);
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(RandCoarseDropout)

}  // namespace medcnn
