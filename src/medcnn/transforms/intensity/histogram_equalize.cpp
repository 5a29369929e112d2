#include "medcnn/transforms/intensity/histogram_equalize.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

HistogramEqualize::HistogramEqualize(const Params& p) {
  check_keys(p, name(), {"num_bins", "use_mask"});
  num_bins_ = param_int(p, name(), "num_bins", 256);
  if (num_bins_ < 2) throw ConfigError(name() + ".num_bins", "must be >= 2");
  use_mask_ = param_bool(p, name(), "use_mask", false);
}

void HistogramEqualize::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = intensity_ops::float_copy(sample.image);
  at::Tensor fg;
  if (use_mask_) fg = intensity_ops::foreground(sample, name());
  const int64_t nb = num_bins_;
  for (int64_t c = 0; c < x.size(0); ++c) {
    at::Tensor ch = x[c].to(torch::kDouble);
    at::Tensor vals = fg.defined() ? ch.masked_select(fg) : ch.reshape({-1});
    if (vals.numel() == 0) continue;
    const double lo = vals.min().item<double>(), hi = vals.max().item<double>();
    if (hi == lo) {
      x[c].fill_(1.0);
      continue;
    }
    // numpy.histogram bins: [lo, hi] split in nb equal bins, the last closed.
    at::Tensor idx = ((vals - lo) / (hi - lo) * static_cast<double>(nb)).floor().to(torch::kLong);
    idx = idx.clamp(0, nb - 1);
    at::Tensor cdf = torch::bincount(idx, {}, nb).to(torch::kDouble).cumsum(0);
    cdf = cdf / cdf[-1];
    // numpy.interp over the bin centres lo + (i + 0.5) * w.
    const double w = (hi - lo) / static_cast<double>(nb);
    at::Tensor t = (ch - (lo + 0.5 * w)) / w;
    at::Tensor i0 = t.floor().clamp(0, nb - 2);
    at::Tensor frac = (t - i0).clamp(0.0, 1.0);
    at::Tensor i0l = i0.to(torch::kLong);
    at::Tensor a = cdf.index({i0l}), b = cdf.index({i0l + 1});
    x[c].copy_(a + frac * (b - a));
  }
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(HistogramEqualize)

}  // namespace medcnn
