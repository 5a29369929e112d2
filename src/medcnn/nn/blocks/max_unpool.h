// Max pooling that remembers where each maximum came from, and the max
// unpooling that puts values back there (SegNet's decoder upsampling,
// Badrinarayanan et al. 2017), any spatial rank.
//
// max_pool_with_indices(x, k): x [B, C, s...] (1, 2 or 3 spatial axes, each
// a multiple of k, else DataError) -> values [B, C, s/k...] (max over each
// non-overlapping k^d window) and indices [B, C, s/k...] (int64, the flat
// position of each maximum within its [s...] plane, as torch's
// max_pool*_with_indices), plus the input's spatial size.
// max_unpool(p, values): the inverse scatter [B, C, s...]: every value goes
// back to its argmax position, every other position is zero. values may be
// any tensor of p.values' shape (the decoder's features). 1-D runs through
// the 2-D operators with a singleton axis (torch has no max_unpool1d op).
// Errors: DataError for a rank outside 3..5 or a size not divisible by k.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace medcnn {

struct PoolIndices {
  at::Tensor values, indices;
  std::vector<int64_t> input_size;  // spatial extents before pooling
  int64_t kernel = 2;
};

PoolIndices max_pool_with_indices(const at::Tensor& x, int64_t kernel = 2);
at::Tensor max_unpool(const PoolIndices& pooled, const at::Tensor& values);

}  // namespace medcnn
