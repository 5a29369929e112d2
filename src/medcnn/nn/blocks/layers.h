// Dimension-generic layers: the spatial rank (1, 2 or 3) is chosen at run
// time, and the matching torch module (Conv1d/2d/3d, BatchNorm1d/2d/3d, ...)
// comes back wrapped in a torch::nn::AnyModule (forward(Tensor) -> Tensor).
// Register it in the parent with register_any() or Chain::add(); its
// parameters then keep torch's names ("weight", "bias", "running_mean").
//
// Arguments: dims in {1, 2, 3} (ConfigError otherwise), channel counts >= 1;
// kernel/stride/padding/dilation apply to every spatial axis. padding < 0
// means "same" for stride 1: dilation * (kernel - 1) / 2.
#pragma once
#include <torch/nn/modules/container/any.h>

#include <cstdint>
#include <string>
#include <vector>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

// ConfigError "<where>: spatial_dims must be 1, 2 or 3" unless dims is.
void check_spatial_dims(int64_t dims, const std::string& where);

torch::nn::AnyModule conv_nd(int64_t dims, int64_t in, int64_t out, int64_t kernel,
                             int64_t stride = 1, int64_t padding = 0, int64_t dilation = 1,
                             int64_t groups = 1, bool bias = true);
// Transposed convolution without padding (kernel == stride doubles the size
// exactly for stride 2: U-Net's "up-convolution").
torch::nn::AnyModule conv_transpose_nd(int64_t dims, int64_t in, int64_t out, int64_t kernel,
                                       int64_t stride, bool bias = true);
torch::nn::AnyModule batch_norm_nd(int64_t dims, int64_t channels, double eps = 1e-5,
                                   double momentum = 0.1);
torch::nn::AnyModule instance_norm_nd(int64_t dims, int64_t channels, bool affine = true,
                                      double eps = 1e-5);
// "batch", "instance", "group" (8 groups, fewer when the channel count is
// not a multiple of 8) or "none" (identity); ConfigError otherwise.
torch::nn::AnyModule norm_nd(const std::string& kind, int64_t dims, int64_t channels,
                             double eps = 1e-5);
// stride <= 0 means stride = kernel.
torch::nn::AnyModule max_pool_nd(int64_t dims, int64_t kernel, int64_t stride = 0,
                                 int64_t padding = 0, bool ceil_mode = false);
torch::nn::AnyModule avg_pool_nd(int64_t dims, int64_t kernel, int64_t stride = 0,
                                 int64_t padding = 0, bool ceil_mode = false,
                                 bool count_include_pad = true);
// Output `size` along every spatial axis.
torch::nn::AnyModule adaptive_avg_pool_nd(int64_t dims, int64_t size);
torch::nn::AnyModule adaptive_max_pool_nd(int64_t dims, int64_t size);
// Element-wise dropout, or whole-channel dropout (Dropout2d/3d style, any
// rank) when channelwise. p in [0, 1).
torch::nn::AnyModule dropout_nd(double p, bool channelwise = false);

// The projection shortcut of residual blocks: nullptr (the identity) when
// stride is 1 and in == out, else a Chain "0": 1x1 conv in -> out with
// `stride`, no bias, "1": batch norm. The caller registers it.
ChainPtr projection_shortcut(int64_t dims, int64_t in, int64_t out, int64_t stride);

// The ImageNet stem of ResNets (and of the CenterNet encoder): "conv" 7x7
// in -> out stride 2 padding 3 no bias, "bn", "act" (ReLU), "pool" 3x3 max
// pool stride 2 padding 1: a quarter of the input's extent per axis.
ChainPtr imagenet_stem(int64_t dims, int64_t in, int64_t out);
// Functional forms, the rank taken from x ([B, C, spatial...]).
at::Tensor max_pool(const at::Tensor& x, int64_t kernel, int64_t stride = 0,
                    int64_t padding = 0, bool ceil_mode = false);
at::Tensor avg_pool(const at::Tensor& x, int64_t kernel, int64_t stride = 0,
                    int64_t padding = 0, bool ceil_mode = false);
at::Tensor adaptive_avg_pool(const at::Tensor& x, int64_t size);
at::Tensor adaptive_max_pool(const at::Tensor& x, int64_t size);
// x resampled to the spatial `size`: nearest neighbour, or linear /
// bilinear / trilinear by rank with align_corners false.
at::Tensor interpolate_to(const at::Tensor& x, const std::vector<int64_t>& size, bool nearest);

}  // namespace medcnn
