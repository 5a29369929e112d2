#include "medcnn/nn/blocks/layers.h"

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

namespace tnn = torch::nn;

int64_t same_padding(int64_t kernel, int64_t padding, int64_t dilation) {
  return padding < 0 ? dilation * (kernel - 1) / 2 : padding;
}

void check_positive(int64_t v, const char* what) {
  if (v < 1)
    throw ConfigError("layer", std::string(what) + " must be at least 1, got " +
                                   std::to_string(v));
}

// Whole-channel dropout for any rank (Dropout2d/3d semantics).
class ChannelDropout : public tnn::Module {
 public:
  explicit ChannelDropout(double p) : p_(p) {}
  at::Tensor forward(at::Tensor x) { return torch::feature_dropout(x, p_, is_training()); }

 private:
  double p_;
};

}  // namespace

void check_spatial_dims(int64_t dims, const std::string& where) {
  if (dims < 1 || dims > 3)
    throw ConfigError(where, "spatial_dims must be 1, 2 or 3, got " + std::to_string(dims));
}

tnn::AnyModule conv_nd(int64_t dims, int64_t in, int64_t out, int64_t kernel, int64_t stride,
                       int64_t padding, int64_t dilation, int64_t groups, bool bias) {
  check_spatial_dims(dims, "conv");
  check_positive(in, "conv in_channels");
  check_positive(out, "conv out_channels");
  check_positive(kernel, "conv kernel");
  check_positive(stride, "conv stride");
  check_positive(dilation, "conv dilation");
  check_positive(groups, "conv groups");
  const int64_t pad = same_padding(kernel, padding, dilation);
  switch (dims) {
    case 1:
      return tnn::AnyModule(tnn::Conv1d(tnn::Conv1dOptions(in, out, kernel)
                                            .stride(stride).padding(pad).dilation(dilation)
                                            .groups(groups).bias(bias)));
    case 2:
      return tnn::AnyModule(tnn::Conv2d(tnn::Conv2dOptions(in, out, kernel)
                                            .stride(stride).padding(pad).dilation(dilation)
                                            .groups(groups).bias(bias)));
    default:
      return tnn::AnyModule(tnn::Conv3d(tnn::Conv3dOptions(in, out, kernel)
                                            .stride(stride).padding(pad).dilation(dilation)
                                            .groups(groups).bias(bias)));
  }
}

tnn::AnyModule conv_transpose_nd(int64_t dims, int64_t in, int64_t out, int64_t kernel,
                                 int64_t stride, bool bias) {
  check_spatial_dims(dims, "conv_transpose");
  check_positive(in, "conv_transpose in_channels");
  check_positive(out, "conv_transpose out_channels");
  check_positive(kernel, "conv_transpose kernel");
  check_positive(stride, "conv_transpose stride");
  switch (dims) {
    case 1:
      return tnn::AnyModule(
          tnn::ConvTranspose1d(tnn::ConvTranspose1dOptions(in, out, kernel).stride(stride).bias(bias)));
    case 2:
      return tnn::AnyModule(
          tnn::ConvTranspose2d(tnn::ConvTranspose2dOptions(in, out, kernel).stride(stride).bias(bias)));
    default:
      return tnn::AnyModule(
          tnn::ConvTranspose3d(tnn::ConvTranspose3dOptions(in, out, kernel).stride(stride).bias(bias)));
  }
}

tnn::AnyModule batch_norm_nd(int64_t dims, int64_t channels, double eps, double momentum) {
  check_spatial_dims(dims, "batch_norm");
  check_positive(channels, "batch_norm channels");
  switch (dims) {
    case 1:
      return tnn::AnyModule(
          tnn::BatchNorm1d(tnn::BatchNorm1dOptions(channels).eps(eps).momentum(momentum)));
    case 2:
      return tnn::AnyModule(
          tnn::BatchNorm2d(tnn::BatchNorm2dOptions(channels).eps(eps).momentum(momentum)));
    default:
      return tnn::AnyModule(
          tnn::BatchNorm3d(tnn::BatchNorm3dOptions(channels).eps(eps).momentum(momentum)));
  }
}

tnn::AnyModule instance_norm_nd(int64_t dims, int64_t channels, bool affine, double eps) {
  check_spatial_dims(dims, "instance_norm");
  check_positive(channels, "instance_norm channels");
  switch (dims) {
    case 1:
      return tnn::AnyModule(
          tnn::InstanceNorm1d(tnn::InstanceNorm1dOptions(channels).affine(affine).eps(eps)));
    case 2:
      return tnn::AnyModule(
          tnn::InstanceNorm2d(tnn::InstanceNorm2dOptions(channels).affine(affine).eps(eps)));
    default:
      return tnn::AnyModule(
          tnn::InstanceNorm3d(tnn::InstanceNorm3dOptions(channels).affine(affine).eps(eps)));
  }
}

tnn::AnyModule norm_nd(const std::string& kind, int64_t dims, int64_t channels, double eps) {
  if (kind == "batch") return batch_norm_nd(dims, channels, eps);
  if (kind == "instance") return instance_norm_nd(dims, channels, true, eps);
  if (kind == "group") {
    // Wu & He 2018: groups of at most 8 channels' worth, 8 groups where the
    // channel count allows (MONAI's and nnU-Net's usual choice).
    check_positive(channels, "group_norm channels");
    int64_t groups = std::min<int64_t>(8, channels);
    while (channels % groups != 0) --groups;
    return tnn::AnyModule(tnn::GroupNorm(tnn::GroupNormOptions(groups, channels).eps(eps)));
  }
  if (kind == "none") return tnn::AnyModule(tnn::Identity());
  throw ConfigError("norm",
                    "unknown normalisation '" + kind + "' (known: batch, instance, group, none)");
}

tnn::AnyModule max_pool_nd(int64_t dims, int64_t kernel, int64_t stride, int64_t padding,
                           bool ceil_mode) {
  check_spatial_dims(dims, "max_pool");
  check_positive(kernel, "max_pool kernel");
  const int64_t s = stride <= 0 ? kernel : stride;
  switch (dims) {
    case 1:
      return tnn::AnyModule(tnn::MaxPool1d(
          tnn::MaxPool1dOptions(kernel).stride(s).padding(padding).ceil_mode(ceil_mode)));
    case 2:
      return tnn::AnyModule(tnn::MaxPool2d(
          tnn::MaxPool2dOptions(kernel).stride(s).padding(padding).ceil_mode(ceil_mode)));
    default:
      return tnn::AnyModule(tnn::MaxPool3d(
          tnn::MaxPool3dOptions(kernel).stride(s).padding(padding).ceil_mode(ceil_mode)));
  }
}

tnn::AnyModule avg_pool_nd(int64_t dims, int64_t kernel, int64_t stride, int64_t padding,
                           bool ceil_mode, bool count_include_pad) {
  check_spatial_dims(dims, "avg_pool");
  check_positive(kernel, "avg_pool kernel");
  const int64_t s = stride <= 0 ? kernel : stride;
  switch (dims) {
    case 1:
      return tnn::AnyModule(tnn::AvgPool1d(tnn::AvgPool1dOptions(kernel).stride(s).padding(padding)
                                               .ceil_mode(ceil_mode)
                                               .count_include_pad(count_include_pad)));
    case 2:
      return tnn::AnyModule(tnn::AvgPool2d(tnn::AvgPool2dOptions(kernel).stride(s).padding(padding)
                                               .ceil_mode(ceil_mode)
                                               .count_include_pad(count_include_pad)));
    default:
      return tnn::AnyModule(tnn::AvgPool3d(tnn::AvgPool3dOptions(kernel).stride(s).padding(padding)
                                               .ceil_mode(ceil_mode)
                                               .count_include_pad(count_include_pad)));
  }
}

tnn::AnyModule adaptive_avg_pool_nd(int64_t dims, int64_t size) {
  check_spatial_dims(dims, "adaptive_avg_pool");
  check_positive(size, "adaptive_avg_pool size");
  switch (dims) {
    case 1:
      return tnn::AnyModule(tnn::AdaptiveAvgPool1d(tnn::AdaptiveAvgPool1dOptions(size)));
    case 2:
      return tnn::AnyModule(tnn::AdaptiveAvgPool2d(tnn::AdaptiveAvgPool2dOptions(size)));
    default:
      return tnn::AnyModule(tnn::AdaptiveAvgPool3d(tnn::AdaptiveAvgPool3dOptions(size)));
  }
}

tnn::AnyModule adaptive_max_pool_nd(int64_t dims, int64_t size) {
  check_spatial_dims(dims, "adaptive_max_pool");
  check_positive(size, "adaptive_max_pool size");
  switch (dims) {
    case 1:
      return tnn::AnyModule(tnn::AdaptiveMaxPool1d(tnn::AdaptiveMaxPool1dOptions(size)));
    case 2:
      return tnn::AnyModule(tnn::AdaptiveMaxPool2d(tnn::AdaptiveMaxPool2dOptions(size)));
    default:
      return tnn::AnyModule(tnn::AdaptiveMaxPool3d(tnn::AdaptiveMaxPool3dOptions(size)));
  }
}

tnn::AnyModule dropout_nd(double p, bool channelwise) {
  if (!(p >= 0.0 && p < 1.0))
    throw ConfigError("dropout", "probability must be in [0, 1), got " + std::to_string(p));
  // p = 0 is no dropout at all (so Monte-Carlo dropout can tell it apart).
  if (p == 0.0) return tnn::AnyModule(tnn::Identity());
  if (channelwise) return tnn::AnyModule(std::make_shared<ChannelDropout>(p));
  return tnn::AnyModule(tnn::Dropout(tnn::DropoutOptions(p)));
}

at::Tensor max_pool(const at::Tensor& x, int64_t kernel, int64_t stride, int64_t padding,
                    bool ceil_mode) {
  const int64_t s = stride <= 0 ? kernel : stride;
  switch (x.dim()) {
    case 3: return torch::max_pool1d(x, {kernel}, {s}, {padding}, {1}, ceil_mode);
    case 4: return torch::max_pool2d(x, {kernel, kernel}, {s, s}, {padding, padding}, {1, 1},
                                     ceil_mode);
    case 5: return torch::max_pool3d(x, {kernel, kernel, kernel}, {s, s, s},
                                     {padding, padding, padding}, {1, 1, 1}, ceil_mode);
    default: throw DataError("max_pool", "expected a 3-, 4- or 5-D tensor");
  }
}

at::Tensor avg_pool(const at::Tensor& x, int64_t kernel, int64_t stride, int64_t padding,
                    bool ceil_mode) {
  const int64_t s = stride <= 0 ? kernel : stride;
  switch (x.dim()) {
    case 3: return torch::avg_pool1d(x, {kernel}, {s}, {padding}, ceil_mode);
    case 4: return torch::avg_pool2d(x, {kernel, kernel}, {s, s}, {padding, padding}, ceil_mode);
    case 5: return torch::avg_pool3d(x, {kernel, kernel, kernel}, {s, s, s},
                                     {padding, padding, padding}, ceil_mode);
    default: throw DataError("avg_pool", "expected a 3-, 4- or 5-D tensor");
  }
}

at::Tensor adaptive_avg_pool(const at::Tensor& x, int64_t size) {
  switch (x.dim()) {
    case 3: return torch::adaptive_avg_pool1d(x, {size});
    case 4: return torch::adaptive_avg_pool2d(x, {size, size});
    case 5: return torch::adaptive_avg_pool3d(x, {size, size, size});
    default: throw DataError("adaptive_avg_pool", "expected a 3-, 4- or 5-D tensor");
  }
}

at::Tensor adaptive_max_pool(const at::Tensor& x, int64_t size) {
  switch (x.dim()) {
    case 3: return std::get<0>(torch::adaptive_max_pool1d(x, {size}));
    case 4: return std::get<0>(torch::adaptive_max_pool2d(x, {size, size}));
    case 5: return std::get<0>(torch::adaptive_max_pool3d(x, {size, size, size}));
    default: throw DataError("adaptive_max_pool", "expected a 3-, 4- or 5-D tensor");
  }
}

ChainPtr imagenet_stem(int64_t dims, int64_t in, int64_t out) {
  auto stem = std::make_shared<Chain>();
  stem->add("conv", conv_nd(dims, in, out, 7, 2, 3, 1, 1, false));
  stem->add("bn", batch_norm_nd(dims, out));
  stem->add("act", torch::nn::AnyModule(torch::nn::ReLU()));
  stem->add("pool", max_pool_nd(dims, 3, 2, 1));
  return stem;
}

ChainPtr projection_shortcut(int64_t dims, int64_t in, int64_t out, int64_t stride) {
  if (stride == 1 && in == out) return nullptr;
  auto shortcut = std::make_shared<Chain>();
  shortcut->add(conv_nd(dims, in, out, 1, stride, 0, 1, 1, false));
  shortcut->add(batch_norm_nd(dims, out));
  return shortcut;
}

at::Tensor interpolate_to(const at::Tensor& x, const std::vector<int64_t>& size, bool nearest) {
  namespace F = torch::nn::functional;
  auto opts = F::InterpolateFuncOptions().size(size);
  if (nearest) {
    opts.mode(torch::kNearest);
  } else {
    opts.align_corners(false);
    if (x.dim() == 3) opts.mode(torch::kLinear);
    else if (x.dim() == 4) opts.mode(torch::kBilinear);
    else opts.mode(torch::kTrilinear);
  }
  return F::interpolate(x, opts);
}

}  // namespace medcnn
