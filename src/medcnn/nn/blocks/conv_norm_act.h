// ConvNormAct: convolution -> normalisation -> activation, any spatial rank.
//
// Children: "conv" (Conv1d/2d/3d), "norm" (BatchNorm by default; InstanceNorm
// or identity), "act" (make_activation(act)). The convolution has a bias
// only when there is no normalisation, unless bias() says otherwise.
// padding < 0 (default) is "same" for stride 1: dilation * (kernel - 1) / 2.
// Input [B, in, spatial...], output [B, out, spatial'...].
// Errors: ConfigError for bad dims, channel counts, norm or act names.
#pragma once
#include <torch/arg.h>

#include <optional>
#include <string>

#include "medcnn/nn/blocks/block.h"

namespace medcnn {

struct ConvNormActOptions {
  ConvNormActOptions(int64_t dims, int64_t in_channels, int64_t out_channels,
                     int64_t kernel_size = 3)
      : dims_(dims), in_channels_(in_channels), out_channels_(out_channels),
        kernel_size_(kernel_size) {}
  TORCH_ARG(int64_t, dims);
  TORCH_ARG(int64_t, in_channels);
  TORCH_ARG(int64_t, out_channels);
  TORCH_ARG(int64_t, kernel_size);
  TORCH_ARG(int64_t, stride) = 1;
  TORCH_ARG(int64_t, padding) = -1;
  TORCH_ARG(int64_t, dilation) = 1;
  TORCH_ARG(int64_t, groups) = 1;
  TORCH_ARG(std::string, norm) = "batch";  // batch | instance | none
  TORCH_ARG(double, norm_eps) = 1e-5;
  TORCH_ARG(std::string, act) = "relu";    // see make_activation
  TORCH_ARG(std::optional<bool>, bias) = std::nullopt;
};

class ConvNormAct : public Block {
 public:
  explicit ConvNormAct(const ConvNormActOptions& options);
  at::Tensor forward(at::Tensor x) override;
  const ConvNormActOptions& options() const { return options_; }

 private:
  ConvNormActOptions options_;
  torch::nn::AnyModule conv_, norm_, act_;
};

}  // namespace medcnn
