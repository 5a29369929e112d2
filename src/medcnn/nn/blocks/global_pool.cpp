#include "medcnn/nn/blocks/global_pool.h"

#include "medcnn/core/error.h"

namespace medcnn {
namespace {

void check_mode(const std::string& mode) {
  if (mode != "avg" && mode != "max" && mode != "avgmax")
    throw ConfigError("global_pool", "unknown mode '" + mode + "' (known: avg, max, avgmax)");
}

}  // namespace

at::Tensor global_pool(const at::Tensor& x, const std::string& mode) {
  check_mode(mode);
  if (x.dim() < 3) throw DataError("global_pool", "expected [B, C, spatial...]");
  at::Tensor flat = x.flatten(2);
  if (mode == "avg") return flat.mean(2);
  if (mode == "max") return std::get<0>(flat.max(2));
  return torch::cat({flat.mean(2), std::get<0>(flat.max(2))}, 1);
}

GlobalPool::GlobalPool(std::string mode) : mode_(std::move(mode)) { check_mode(mode_); }

at::Tensor GlobalPool::forward(at::Tensor x) { return global_pool(x, mode_); }

}  // namespace medcnn
