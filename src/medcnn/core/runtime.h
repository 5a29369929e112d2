// Process-wide runtime settings: threads, device, logging.
//
// set_threads(n): n <= 0 means all cores; sets torch intra-op threads (torch
// uses 1 unless told) and the default worker count for loaders.
// parse_device("cpu" | "cuda" | "cuda:N"): throws ConfigError naming the
// option when CUDA is asked for but this build or machine has none.
#pragma once
#include <c10/core/Device.h>

#include <string>

namespace medcnn {

int hardware_threads();
void set_threads(int n);
int threads();
c10::Device parse_device(const std::string& name);
// "trace", "debug", "info", "warn", "error", "off"; throws ConfigError otherwise.
void set_log_level(const std::string& level);

}  // namespace medcnn
