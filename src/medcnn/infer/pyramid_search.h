// Pyramid-of-scales window search: localizes the one object of an image by
// scoring windows of several sizes with a window classifier and keeping the
// best (the sliding-window localizers of the survey, e.g. the left ventricle
// in cardiac MRI, for objects whose size varies between patients).
//
// Contract
//  - PyramidOptions: window sides as `scales` (fractions of the image's
//    shorter spatial side; default 8 steps of a geometric series from 0.1 to
//    0.6) or explicit `window_sizes` in pixels (used instead of scales when
//    set); `aspect` = width / height (depth = height in 3-D); `stride` = the
//    step between windows as a fraction of the window's extent on each axis
//    (at least 1 px); `batch_size` windows per scorer call; `refine_top` > 1:
//    the result is the score-weighted mean of the corners of the refine_top
//    best windows whose IoU with the best is >= 0.5 (the best included);
//    0 or 1 keeps the best window as is.
//    from_json reads {scales, window_sizes, aspect, stride, batch_size,
//    refine_top}: ConfigError "<where>.<key>: ..." for an unknown key, empty
//    scales (without window_sizes), a scale or size <= 0, stride outside
//    (0, 1], aspect <= 0, batch_size < 1, refine_top < 0. to_json writes
//    every key; from_json(to_json()) gives the same options.
//  - enumerate_windows(shape, options): shape = spatial shape in tensor order
//    ([H, W] or [D, H, W]). Per side s (sizes that round to the same window
//    are kept once, in the order given): window extents round(s * aspect) on
//    x and round(s) on y (and z), each clamped to [1, image extent]; starts
//    0, step, 2 step, ... with step = max(1, round(stride * extent)), plus
//    one last start at extent - size when the grid would leave the far edge
//    uncovered. Order: size, then z, y, x starts (x fastest). Integer
//    corners, Box x/y/z order, label -1.
//  - pyramid_search(image [C, spatial...], scorer, input_size, options):
//    every window of enumerate_windows(image's shape) is cropped, resized to
//    input_size (tensor order; crop_and_resize, data/window_dataset.h) and
//    scored in that order, batch_size at a time, on the image's device. The
//    scorer maps [N, C, input_size...] to class probabilities [N, K + 1],
//    column 0 = background. The best window has the highest score =
//    1 - p(background); its label is the argmax over the K object columns
//    (0-based object class) and probabilities are those K columns divided by
//    their sum (the class given an object). DataError when the scorer's
//    output is not [N, >= 2] or the image is not 2-D or 3-D.
//  - network_window_scorer(models, device): softmax of each model's logits,
//    averaged over the models (a fold ensemble), eval mode, no gradients.
//  - PyramidModel::from_meta: a checkpoint's meta["localization"] ({method
//    "pyramid", window_size, pyramid: PyramidOptions}); FormatError when absent.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "medcnn/core/box.h"
#include "medcnn/nn/network.h"

namespace medcnn {

std::vector<double> default_pyramid_scales();  // 0.1 .. 0.6, 8 steps, geometric

struct PyramidOptions {
  std::vector<double> scales = default_pyramid_scales();
  std::vector<int64_t> window_sizes;  // px; when set, used instead of scales
  double aspect = 1.0;
  double stride = 0.25;
  int64_t batch_size = 256;
  int64_t refine_top = 0;

  static PyramidOptions from_json(const nlohmann::json& j,
                                  const std::string& where = "localization");
  nlohmann::json to_json() const;
};

std::vector<Box> enumerate_windows(const std::vector<int64_t>& spatial_shape,
                                   const PyramidOptions& options);

using WindowScorer = std::function<at::Tensor(const at::Tensor&)>;

struct PyramidResult {
  Box box;                            // the (refined) best window, image grid
  Box best_window;                    // the best window before refinement
  std::vector<double> probabilities;  // K object classes, given an object
  size_t windows = 0;                 // windows scored
};

PyramidResult pyramid_search(const at::Tensor& image, const WindowScorer& scorer,
                             const std::vector<int64_t>& input_size,
                             const PyramidOptions& options);

WindowScorer network_window_scorer(const std::vector<NetworkPtr>& models,
                                   const c10::Device& device);

struct PyramidModel {
  std::vector<int64_t> window_size;
  PyramidOptions options;
  static bool is_pyramid(const nlohmann::json& meta);
  static PyramidModel from_meta(const nlohmann::json& meta);
  nlohmann::json to_meta() const;  // {method, window_size, pyramid}
};

}  // namespace medcnn
