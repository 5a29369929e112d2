#include "medcnn/transforms/crop_pad/rand_spatial_crop.h"

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

RandSpatialCrop::RandSpatialCrop(const Params& p) {
  check_keys(p, name(), {"roi_size", "random_center", "random_size", "max_roi_size"});
  if (p.is_null() || !p.contains("roi_size"))
    throw ConfigError(name() + ".roi_size", "required (one integer or one per axis)");
  roi_size_ = param_ints(p, name(), "roi_size", {});
  if (roi_size_.empty() || roi_size_.size() > 3)
    throw ConfigError(name() + ".roi_size", "give 1 to 3 integers");
  random_center_ = param_bool(p, name(), "random_center", true);
  random_size_ = param_bool(p, name(), "random_size", false);
  max_roi_size_ = param_ints(p, name(), "max_roi_size", {});
  if (!max_roi_size_.empty() && !random_size_)
    throw ConfigError(name() + ".max_roi_size", "only used with random_size = true");
}

void RandSpatialCrop::apply(Sample& sample, Rng& rng) const {
  auto shape = sample.image.spatial_shape();
  const size_t d = shape.size();
  auto roi = spatial_ops::resolve_size(roi_size_, shape, name(), "roi_size");
  if (random_size_) {
    auto hi = max_roi_size_.empty()
                  ? shape
                  : spatial_ops::resolve_size(max_roi_size_, shape, name(), "max_roi_size");
    for (size_t a = 0; a < d; ++a) {
      const int64_t lo = std::min(roi[a], shape[a]);
      roi[a] = rng.randint(lo, std::max(lo, std::min(hi[a], shape[a])));
    }
  }
  std::vector<int64_t> start(d, 0);
  for (size_t a = 0; a < d; ++a) {
    roi[a] = std::min(roi[a], shape[a]);
    const int64_t room = shape[a] - roi[a];
    start[a] = random_center_ ? rng.randint(0, room) : room / 2;
  }
  spatial_ops::crop(sample, start, roi);
}


MEDCNN_REGISTER_TRANSFORM(RandSpatialCrop)

}  // namespace medcnn
