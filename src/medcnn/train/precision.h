// Mixed precision for training: "fp32", "bf16" or "auto".
//
// "auto" picks bf16 autocast where the hardware computes bf16 natively (a
// CPU with AVX512-BF16 or AMX; any CUDA GPU, assumed Ampere or later) and
// fp32 elsewhere; bf16 autocast runs convolutions and matrix products in
// bfloat16 and keeps weights, losses and optimiser state in float32. The
// recipes in configs/ were checked to reach the same accuracy with it (see
// docs/benchmarks.md).
// AutocastScope turns autocast on for the forward pass of one step and off
// (clearing its weight cache) when it leaves scope; for fp32 it does nothing.
#pragma once
#include <c10/core/Device.h>

#include <string>

namespace medcnn {

enum class Precision { Float32, BFloat16 };

Precision resolve_precision(const std::string& name, const c10::Device& device);
std::string precision_name(Precision p);
bool cpu_has_native_bf16();

class AutocastScope {
 public:
  AutocastScope(Precision precision, const c10::Device& device);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
};

}  // namespace medcnn
