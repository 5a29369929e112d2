#include "medcnn/transforms/crop_pad/center_spatial_crop.h"

#include <algorithm>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/spatial_ops.h"

namespace medcnn {

CenterSpatialCrop::CenterSpatialCrop(const Params& p) {
  check_keys(p, name(), {"roi_size"});
  if (p.is_null() || !p.contains("roi_size"))
    throw ConfigError(name() + ".roi_size", "required (one integer or one per axis)");
  roi_size_ = param_ints(p, name(), "roi_size", {});
  if (roi_size_.empty() || roi_size_.size() > 3)
    throw ConfigError(name() + ".roi_size", "give 1 to 3 integers");
}

void CenterSpatialCrop::apply(Sample& sample, Rng& /*rng*/) const {
  auto shape = sample.image.spatial_shape();
  auto roi = spatial_ops::resolve_size(roi_size_, shape, name(), "roi_size");
  std::vector<int64_t> start(shape.size());
  for (size_t a = 0; a < shape.size(); ++a) {
    roi[a] = std::min(roi[a], shape[a]);
    start[a] = shape[a] / 2 - roi[a] / 2;
  }
  spatial_ops::crop(sample, start, roi);
}


MEDCNN_REGISTER_TRANSFORM(CenterSpatialCrop)

}  // namespace medcnn
