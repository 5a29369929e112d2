// MixUp (Zhang et al., ICLR 2018; MONAI's MixUp): train on convex
// combinations of pairs of cases, a regulariser for small classification
// sets (train.mixup_alpha > 0).
//
// Contract
//  - mix_up(batch, alpha) draws lambda ~ Beta(alpha, alpha) and a permutation
//    p of the batch, both from torch's global generator (the same seed gives
//    the same draws; --resume restores that generator), and returns
//        images  = lambda * batch.images + (1 - lambda) * batch.images[p]
//        partner = the batch's ids and labels reordered by p
//    The training loss is then lambda * L(out, batch) + (1 - lambda) *
//    L(out, partner), which for cross-entropy equals the loss against the
//    mixed one-hot target. Masks and boxes are not mixed or carried into
//    the partner: mixup is for classification (the Trainer refuses it for
//    any other task).
//  - alpha must be > 0; a batch of one case mixes with itself.
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "medcnn/data/loader.h"

namespace medcnn {

struct MixedBatch {
  at::Tensor images;                 // the mixed inputs
  Batch partner;                     // the second target of each mixed case
  double lambda = 1.0;               // weight of the first (unpermuted) case
  std::vector<int64_t> permutation;  // partner i is batch case permutation[i]
};

MixedBatch mix_up(const Batch& batch, double alpha);

}  // namespace medcnn
