#include "medcnn/nn/blocks/max_unpool.h"

#include "medcnn/core/error.h"

namespace medcnn {

PoolIndices max_pool_with_indices(const at::Tensor& x, int64_t kernel) {
  const int64_t d = x.dim() - 2;
  if (d < 1 || d > 3)
    throw DataError("max_pool_with_indices", "expected [B, C, spatial...] with 1 to 3 spatial "
                                             "axes, got a " + std::to_string(x.dim()) +
                                                 "-D tensor");
  PoolIndices p;
  p.kernel = kernel;
  for (int64_t a = 2; a < x.dim(); ++a) {
    if (x.size(a) % kernel != 0)
      throw DataError("max_pool_with_indices", "spatial extent " + std::to_string(x.size(a)) +
                                                   " is not a multiple of " +
                                                   std::to_string(kernel));
    p.input_size.push_back(x.size(a));
  }
  const std::vector<int64_t> zero(2, 0), one(2, 1);
  if (d == 1) {
    const std::vector<int64_t> k{1, kernel};
    auto r = at::max_pool2d_with_indices(x.unsqueeze(2), k, k, zero, one, false);
    p.values = std::get<0>(r).squeeze(2);
    p.indices = std::get<1>(r).squeeze(2);
  } else if (d == 2) {
    const std::vector<int64_t> k(2, kernel);
    auto r = at::max_pool2d_with_indices(x, k, k, zero, one, false);
    p.values = std::get<0>(r);
    p.indices = std::get<1>(r);
  } else {
    const std::vector<int64_t> k(3, kernel), z3(3, 0), o3(3, 1);
    auto r = at::max_pool3d_with_indices(x, k, k, z3, o3, false);
    p.values = std::get<0>(r);
    p.indices = std::get<1>(r);
  }
  return p;
}

at::Tensor max_unpool(const PoolIndices& p, const at::Tensor& values) {
  const int64_t d = int64_t(p.input_size.size());
  if (d == 1) {
    const std::vector<int64_t> size{1, p.input_size[0]};
    return at::max_unpool2d(values.unsqueeze(2), p.indices.unsqueeze(2), size).squeeze(2);
  }
  if (d == 2) return at::max_unpool2d(values, p.indices, p.input_size);
  const std::vector<int64_t> stride(3, p.kernel), pad(3, 0);
  return at::max_unpool3d(values, p.indices, p.input_size, stride, pad);
}

}  // namespace medcnn
