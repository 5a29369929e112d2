// MRFSmooth: smoothing of a segmentation's label field by a Markov random
// field, as the survey's DeepMedic (dense CRF) and sub-cortical (MRF) work
// do after the CNN. The energy is the Potts model
//   E(l) = sum_i -log p_i(l_i) + weight * sum_{i~j} w_ij [l_i != l_j]
// over face neighbours i~j (2, 4 or 6 per voxel), solved approximately by
// mean-field iterations from q = p:
//   q_i(l) <- softmax_l( log p_i(l) + weight * sum_{j~i} w_ij q_j(l) ).
// w_ij = 1 gives the plain MRF; contrast_sigma > 0 makes it a contrast-
// sensitive grid CRF: w_ij = exp(-|I_i - I_j|^2 / (2 sigma^2)) over the
// preprocessed image's channels, so labels may change across edges.
// Cost: iterations x 2 x dims x K multiply-adds per voxel (5 iterations on a
// 565x584 two-class map: a few ms; docs/segmentation.md).
//
// Contract
//  - probs [K, spatial...] float (sums to 1 over K), image [C, spatial...]
//    on the same grid (only read when contrast_sigma > 0). Returns the
//    smoothed probabilities, same shape and dtype; iterations = 0 returns
//    probs unchanged.
//  - mrf_options(params, where): keys weight (>= 0, default 1), iterations
//    (0..100, default 5), contrast_sigma (>= 0, default 0); anything else or
//    out of range is a ConfigError naming where.<key>.
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <string>

namespace medcnn {

struct MrfOptions {
  double weight = 1.0;
  int iterations = 5;
  double contrast_sigma = 0.0;
};

MrfOptions mrf_options(const nlohmann::json& params, const std::string& where);

at::Tensor mrf_smooth(const at::Tensor& probs, const at::Tensor& image, const MrfOptions& options);

}  // namespace medcnn
