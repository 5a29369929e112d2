#include "medcnn/nn/blocks/multi_crop_pool.h"

#include "medcnn/core/error.h"
#include "medcnn/nn/blocks/layers.h"

namespace medcnn {

MultiCropPool::MultiCropPool(int64_t levels, int64_t output_size, std::string mode)
    : levels_(levels), output_size_(output_size), mode_(std::move(mode)) {
  if (levels_ < 1 || levels_ > 16)
    throw ConfigError("MultiCropPool", "levels must be in [1, 16], got " + std::to_string(levels_));
  if (output_size_ < 0) throw ConfigError("MultiCropPool", "output_size must be >= 0");
  if (mode_ != "max" && mode_ != "avg")
    throw ConfigError("MultiCropPool", "unknown mode '" + mode_ + "' (known: max, avg)");
}

at::Tensor MultiCropPool::forward(at::Tensor x) {
  if (x.dim() < 3 || x.dim() > 5)
    throw DataError("MultiCropPool", "expected [B, C, spatial...] with 1 to 3 spatial axes");
  std::vector<at::Tensor> outs;
  for (int64_t level = 0; level < levels_; ++level) {
    at::Tensor crop = x;
    for (int64_t axis = 2; axis < x.dim(); ++axis) {
      const int64_t n = x.size(axis);
      const int64_t c = std::max<int64_t>(1, n >> level);
      crop = crop.narrow(axis, (n - c) / 2, c);
    }
    // The common extent on each axis: output_size, or the smallest crop's.
    std::vector<int64_t> target;
    for (int64_t axis = 2; axis < x.dim(); ++axis)
      target.push_back(output_size_ > 0 ? output_size_
                                        : std::max<int64_t>(1, x.size(axis) >> (levels_ - 1)));
    at::Tensor pooled;
    const bool mx = mode_ == "max";
    switch (x.dim()) {
      case 3:
        pooled = mx ? std::get<0>(torch::adaptive_max_pool1d(crop, target))
                    : torch::adaptive_avg_pool1d(crop, target);
        break;
      case 4:
        pooled = mx ? std::get<0>(torch::adaptive_max_pool2d(crop, target))
                    : torch::adaptive_avg_pool2d(crop, target);
        break;
      default:
        pooled = mx ? std::get<0>(torch::adaptive_max_pool3d(crop, target))
                    : torch::adaptive_avg_pool3d(crop, target);
    }
    outs.push_back(pooled);
  }
  return torch::cat(outs, 1);
}

}  // namespace medcnn
