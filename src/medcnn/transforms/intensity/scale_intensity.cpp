#include "medcnn/transforms/intensity/scale_intensity.h"

#include <torch/torch.h>

namespace medcnn {

ScaleIntensity::ScaleIntensity(const Params& p) {
  check_keys(p, name(), {"minv", "maxv", "channel_wise"});
  minv_ = param_double(p, name(), "minv", 0.0);
  maxv_ = param_double(p, name(), "maxv", 1.0);
  channel_wise_ = param_bool(p, name(), "channel_wise", false);
}

namespace {
void rescale(at::Tensor t, double minv, double maxv) {
  if (t.numel() == 0) return;
  const at::Tensor t64 = t.to(torch::kDouble);
  const double lo = t64.min().item<double>(), hi = t64.max().item<double>();
  if (hi == lo) {
    t.fill_(minv);
    return;
  }
  t.copy_((t64 - lo) / (hi - lo) * (maxv - minv) + minv);
}
}  // namespace

void ScaleIntensity::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = sample.image.data.to(torch::kFloat, /*non_blocking=*/false, /*copy=*/true);
  if (channel_wise_)
    for (int64_t c = 0; c < x.size(0); ++c) rescale(x[c], minv_, maxv_);
  else
    rescale(x, minv_, maxv_);
  sample.image = sample.image.with_data(x, PixelType::Float32);
}


MEDCNN_REGISTER_TRANSFORM(ScaleIntensity)

}  // namespace medcnn
