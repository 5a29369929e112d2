#include "medcnn/core/runtime.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <thread>

#include "medcnn/core/error.h"

namespace medcnn {

namespace {
std::atomic<int> g_threads{0};
}

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

void set_threads(int n) {
  if (n <= 0) n = hardware_threads();
  g_threads = n;
  torch::set_num_threads(n);
}

int threads() {
  int n = g_threads.load();
  return n > 0 ? n : hardware_threads();
}

c10::Device parse_device(const std::string& name) {
  if (name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!torch::cuda::is_available())
      throw ConfigError("--device " + name,
                        "CUDA is not available (this libtorch has no CUDA support or no GPU is "
                        "visible); use --device cpu");
    try {
      c10::Device d(name);
      if (d.has_index() && d.index() >= static_cast<int>(torch::cuda::device_count()))
        throw ConfigError("--device " + name,
                          "only " + std::to_string(torch::cuda::device_count()) +
                              " CUDA device(s) visible");
      return d;
    } catch (const c10::Error&) {
      throw ConfigError("--device " + name, "not a device name (use cpu, cuda or cuda:N)");
    }
  }
  throw ConfigError("--device " + name, "not a device name (use cpu, cuda or cuda:N)");
}

void set_log_level(const std::string& level) {
  auto l = spdlog::level::from_str(level);
  if (l == spdlog::level::off && level != "off")
    throw ConfigError("--log-level " + level,
                      "unknown level (use trace, debug, info, warn, error or off)");
  spdlog::set_level(l);
}

}  // namespace medcnn
