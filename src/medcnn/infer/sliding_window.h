// Sliding-window inference (MONAI's sliding_window_inference, nnU-Net's
// tiled prediction): runs a network over an image larger than its patch and
// stitches the outputs back into one full-size map.
//
// Contract
//  - image [B, C, spatial...] (1-3 spatial axes, any device); predictor maps
//    a batch of windows [N, C, roi...] to [N, K, roi...] (the same window
//    grid: segmentation logits or probabilities).
//  - Windows of roi_size (values <= 0 or larger than the image take the
//    image's extent; an image smaller than roi_size is zero-padded at the far
//    end and the output cropped back) cover every axis: n = ceil((size -
//    roi) / (roi * (1 - overlap))) + 1 windows per axis, their starts spaced
//    evenly from 0 to size - roi (nnU-Net's steps), so the last window ends
//    at the border and no window hangs outside.
//  - Each window's output is multiplied by a weight map and summed; the
//    result is the sum divided by the summed weights. mode "gaussian"
//    (default): a Gaussian with sigma = sigma_scale * roi per axis, peak 1,
//    clamped below at its smallest positive value (MONAI); "constant": all
//    ones (plain averaging). So where one window covers a voxel the output
//    equals the window's output exactly.
//  - Windows run in batches of sw_batch_size on the image's device; the
//    accumulators live on stitch_device (CPU by default), so the device
//    holds only sw_batch_size windows and peak memory is bounded by the
//    output size on the host.
//  - flip (test-time augmentation): also predicts every combination of
//    flips along the spatial axes listed (tensor order, 0-based), flips the
//    outputs back and averages them with the plain prediction.
//  - Errors: ConfigError for overlap outside [0, 1), an empty roi of the
//    wrong length, sw_batch_size < 1, an unknown mode; DataError when the
//    predictor's output does not have the window's spatial shape.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <nlohmann/json_fwd.hpp>

#include <functional>
#include <string>
#include <vector>

namespace medcnn {

struct SlidingWindowOptions {
  std::vector<int64_t> roi_size;   // one per spatial axis, or one for all
  double overlap = 0.25;
  std::string mode = "gaussian";   // gaussian | constant
  double sigma_scale = 0.125;
  int64_t sw_batch_size = 4;
  c10::Device stitch_device = c10::Device("cpu");
  std::vector<int64_t> flip;       // spatial axes to flip for test-time augmentation

  // From a config table {roi_size, overlap, mode, sigma_scale, sw_batch_size,
  // flip}; unknown keys are a ConfigError naming `where`.
  static SlidingWindowOptions from_json(const nlohmann::json& j, const std::string& where);
};

using WindowPredictor = std::function<at::Tensor(const at::Tensor&)>;

at::Tensor sliding_window_inference(const at::Tensor& image, const WindowPredictor& predictor,
                                    const SlidingWindowOptions& options);

// Window start positions along one axis (exposed for tests and benchmarks).
std::vector<int64_t> window_starts(int64_t size, int64_t roi, double overlap);

// The weight map of one window ([roi...], float32, on the CPU).
at::Tensor window_weights(const std::vector<int64_t>& roi, const std::string& mode,
                          double sigma_scale);

}  // namespace medcnn
