#include "medcnn/losses/soft_overlap.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"

namespace medcnn {

SoftOverlapOptions soft_overlap_options(const nlohmann::json& params, const LossContext& context) {
  SoftOverlapOptions o;
  o.include_background = params.value("include_background", false);
  o.batch = params.value("batch", false);
  o.smooth_nr = params.value("smooth_nr", 1e-5);
  o.smooth_dr = params.value("smooth_dr", 1e-5);
  if (o.smooth_nr < 0 || o.smooth_dr < 0)
    throw ConfigError("loss.smooth_nr/smooth_dr", "must be >= 0");
  o.ignore_label = context.ignore_label;
  return o;
}

SoftOverlap soft_overlap(const at::Tensor& logits, const at::Tensor& target,
                         const SoftOverlapOptions& o) {
  if (logits.dim() < 3 || target.dim() != logits.dim() - 1)
    throw DataError("loss", "segmentation loss needs logits [B, K, spatial...] and targets "
                            "[B, spatial...]");
  const int64_t k = logits.size(1);
  at::Tensor x = logits.to(torch::kFloat);
  at::Tensor valid = target.ne(o.ignore_label).unsqueeze(1).to(torch::kFloat);
  at::Tensor t = target.masked_fill(target.eq(o.ignore_label), 0);
  at::Tensor p, g;
  if (k == 1) {
    p = x.sigmoid();
    g = t.gt(0).unsqueeze(1).to(torch::kFloat);
  } else {
    p = torch::softmax(x, 1);
    g = torch::one_hot(t, k).movedim(-1, 1).to(torch::kFloat);
    if (!o.include_background) {
      p = p.narrow(1, 1, k - 1);
      g = g.narrow(1, 1, k - 1);
    }
  }
  p = p * valid;
  g = g * valid;
  std::vector<int64_t> axes;
  for (int64_t a = 2; a < x.dim(); ++a) axes.push_back(a);
  if (o.batch) axes.insert(axes.begin(), 0);
  SoftOverlap s;
  s.tp = (p * g).sum(axes, /*keepdim=*/false);
  s.fp = (p * (1 - g)).sum(axes, false);  // p is 0 where ignored
  s.fn = ((1 - p) * g).sum(axes, false);
  if (o.batch) {
    s.tp = s.tp.unsqueeze(0);
    s.fp = s.fp.unsqueeze(0);
    s.fn = s.fn.unsqueeze(0);
  }
  return s;
}

}  // namespace medcnn
