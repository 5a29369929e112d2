#include "medcnn/transforms/crop_pad/rand_crop_by_pos_neg_label.h"

#include <torch/torch.h>

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

RandCropByPosNegLabel::RandCropByPosNegLabel(const Params& p) {
  check_keys(p, name(), {"spatial_size", "pos", "neg", "negative", "value"});
  if (p.is_null() || !p.contains("spatial_size"))
    throw ConfigError(name() + ".spatial_size", "required (one integer or one per axis)");
  spatial_size_ = param_ints(p, name(), "spatial_size", {});
  if (spatial_size_.empty() || spatial_size_.size() > 3)
    throw ConfigError(name() + ".spatial_size", "give 1 to 3 integers");
  pos_ = param_double(p, name(), "pos", 1.0);
  neg_ = param_double(p, name(), "neg", 1.0);
  if (pos_ < 0 || neg_ < 0 || pos_ + neg_ <= 0)
    throw ConfigError(name() + ".pos/neg", "must be non-negative with pos + neg > 0");
  const std::string negative = param_string(p, name(), "negative", "any");
  if (negative != "any" && negative != "background")
    throw ConfigError(name() + ".negative", "'" + negative + "': use \"any\" or \"background\"");
  negative_background_ = negative == "background";
  value_ = param_double(p, name(), "value", 0.0);
}

namespace {

// Tensor-order coordinates of the k-th true voxel of a boolean spatial tensor.
std::vector<int64_t> pick_voxel(const at::Tensor& where, Rng& rng, bool* found) {
  at::Tensor nz = torch::nonzero(where);  // [N, dims]
  *found = nz.size(0) > 0;
  if (!*found) return {};
  const int64_t k = rng.randint(0, nz.size(0) - 1);
  at::Tensor row = nz[k].contiguous();
  return std::vector<int64_t>(row.data_ptr<int64_t>(), row.data_ptr<int64_t>() + row.numel());
}

}  // namespace

void RandCropByPosNegLabel::apply(Sample& sample, Rng& rng) const {
  if (!sample.mask)
    throw DataError(sample.id, name() + " needs a mask (foreground = mask > 0)");
  auto shape = sample.image.spatial_shape();
  const size_t d = shape.size();
  auto size = spatial_ops::resolve_size(spatial_size_, shape, name(), "spatial_size");

  // Pad axes shorter than the patch.
  std::vector<int64_t> before(d, 0), after(d, 0);
  bool need_pad = false;
  for (size_t a = 0; a < d; ++a)
    if (size[a] > shape[a]) {
      const int64_t extra = size[a] - shape[a];
      before[a] = extra / 2;
      after[a] = extra - extra / 2;
      need_pad = true;
    }
  if (need_pad) {
    spatial_ops::pad(sample, before, after, value_);
    shape = sample.image.spatial_shape();
  }

  const bool positive = rng.bernoulli(pos_ / (pos_ + neg_));
  std::vector<int64_t> centre;
  bool found = false;
  if (positive || negative_background_) {
    at::Tensor labels = sample.mask->data;
    // Foreground mask > 0, background mask == 0: ignored voxels (kIgnoreLabel
    // < 0, e.g. outside a field of view) are neither.
    at::Tensor fg = labels.size(0) == 1 ? labels[0].gt(0) : labels.gt(0).any(0);
    at::Tensor bg = labels.size(0) == 1 ? labels[0].eq(0) : labels.eq(0).all(0);
    centre = pick_voxel(positive ? fg : bg, rng, &found);
  }
  if (!found) {
    centre.assign(d, 0);
    for (size_t a = 0; a < d; ++a) centre[a] = rng.randint(0, shape[a] - 1);
  }
  std::vector<int64_t> start(d);
  for (size_t a = 0; a < d; ++a)
    start[a] = std::clamp<int64_t>(centre[a] - size[a] / 2, 0, shape[a] - size[a]);
  spatial_ops::crop(sample, start, size);
}

MEDCNN_REGISTER_TRANSFORM(RandCropByPosNegLabel)

}  // namespace medcnn
