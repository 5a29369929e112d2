// Soft overlap terms shared by the Dice and Tversky losses.
//
// soft_overlap(logits [B, K, spatial...], target [B, spatial...] int64,
// options) computes p = softmax(logits) in float32 and the one-hot target g,
// zeroes both where target == ignore_label, drops the background channel 0
// unless include_background (or K == 1: then p = sigmoid, g = target > 0),
// and sums over the spatial axes (and the batch when `batch`):
//   tp = sum p*g, fp = sum p*(1-g), fn = sum (1-p)*g
// each [B, K'] (or [1, K'] with batch = true). The losses then average their
// per-(case, class) score over every entry (MONAI's reduction "mean").
#pragma once
#include <ATen/core/Tensor.h>

#include <nlohmann/json.hpp>

#include <string>

#include "medcnn/losses/loss.h"

namespace medcnn {

struct SoftOverlapOptions {
  bool include_background = false;
  bool batch = false;  // nnU-Net's batch_dice
  double smooth_nr = 1e-5, smooth_dr = 1e-5;
  int64_t ignore_label = -100;
};

struct SoftOverlap {
  at::Tensor tp, fp, fn;
};

SoftOverlap soft_overlap(const at::Tensor& logits, const at::Tensor& target,
                         const SoftOverlapOptions& options);

// Reads include_background, batch, smooth_nr, smooth_dr from params (the
// caller has checked the keys) and ignore_label from the context.
SoftOverlapOptions soft_overlap_options(const nlohmann::json& params, const LossContext& context);

}  // namespace medcnn
