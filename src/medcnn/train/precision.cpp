#include "medcnn/train/precision.h"

#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include "medcnn/core/cpu_flags.h"
#include "medcnn/core/error.h"

namespace medcnn {

bool cpu_has_native_bf16() {
  static const bool has = cpu_has_flag("avx512_bf16") || cpu_has_flag("amx_bf16");
  return has;
}

Precision resolve_precision(const std::string& name, const c10::Device& device) {
  if (name == "fp32" || name == "float32") return Precision::Float32;
  if (name == "bf16" || name == "bfloat16") return Precision::BFloat16;
  if (name != "auto")
    throw ConfigError("train.precision", "unknown precision '" + name + "' (known: auto, bf16, fp32)");
  if (device.is_cuda()) return Precision::BFloat16;  // Ampere and later compute bf16 natively
  return cpu_has_native_bf16() ? Precision::BFloat16 : Precision::Float32;
}

std::string precision_name(Precision p) { return p == Precision::BFloat16 ? "bf16" : "fp32"; }

AutocastScope::AutocastScope(Precision precision, const c10::Device& device) {
  if (precision != Precision::BFloat16) return;
  active_ = true;
  cuda_ = device.is_cuda();
  if (cuda_) {
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
  } else {
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
  }
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  if (cuda_)
    at::autocast::set_enabled(false);
  else
    at::autocast::set_cpu_enabled(false);
  at::autocast::clear_cache();
}

}  // namespace medcnn
