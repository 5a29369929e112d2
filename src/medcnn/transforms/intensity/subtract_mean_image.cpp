#include "medcnn/transforms/intensity/subtract_mean_image.h"

#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/intensity/intensity_ops.h"

namespace medcnn {

SubtractMeanImage::SubtractMeanImage(const Params& p) {
  check_keys(p, name(), {"path", "value"});
  path_ = param_string(p, name(), "path", "");
  value_ = intensity_ops::param_doubles(p, name(), "value", {});
  if (path_.empty() == value_.empty())
    throw ConfigError(name(), "needs exactly one of 'path' or 'value'");
  if (!path_.empty()) mean_ = read_image(path_).data.to(torch::kFloat).contiguous();
}

void SubtractMeanImage::apply(Sample& sample, Rng& /*rng*/) const {
  at::Tensor x = intensity_ops::float_copy(sample.image);
  const int64_t channels = x.size(0);
  if (!path_.empty()) {
    const bool same_spatial = mean_.dim() == x.dim() &&
                              mean_.sizes().slice(1) == x.sizes().slice(1);
    if (!same_spatial || (mean_.size(0) != 1 && mean_.size(0) != channels)) {
      std::ostringstream why;
      why << "mean image of shape " << mean_.sizes() << " does not fit image "
          << (sample.id.empty() ? "" : sample.id + " ") << "of shape " << x.sizes();
      throw GeometryError(path_, why.str());
    }
    x.sub_(mean_.to(x.device()));
  } else {
    if (value_.size() != 1 && static_cast<int64_t>(value_.size()) != channels)
      throw ConfigError(name() + ".value", "has " + std::to_string(value_.size()) +
                                               " values for an image with " +
                                               std::to_string(channels) + " channels");
    for (int64_t c = 0; c < channels; ++c) x[c].sub_(value_.size() == 1 ? value_[0] : value_[c]);
  }
  intensity_ops::set_float(sample, x);
}

MEDCNN_REGISTER_TRANSFORM(SubtractMeanImage)

}  // namespace medcnn
