// Timing helpers shared by the benchmark programs.
// median_of(run, seconds): runs `run` twice to warm up, then at least 5 times
// and until `seconds` have passed; {"median_ms", "runs"}.
// parameters(net): the network's parameter count.
#pragma once
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include "bench_common.h"
#include "medcnn/nn/network.h"

namespace medcnn::bench {

inline nlohmann::json median_of(const std::function<void()>& run, double seconds) {
  for (int i = 0; i < 2; ++i) run();
  std::vector<double> ms;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (ms.size() < 5 || Clock::now() < end) {
    const auto t0 = Clock::now();
    run();
    ms.push_back(seconds_since(t0) * 1000);
  }
  std::sort(ms.begin(), ms.end());
  const size_t n = ms.size();
  return {{"median_ms", n % 2 ? ms[n / 2] : 0.5 * (ms[n / 2 - 1] + ms[n / 2])}, {"runs", n}};
}

inline int64_t parameters(const NetworkPtr& net) {
  int64_t n = 0;
  for (const auto& p : net->parameters()) n += p.numel();
  return n;
}

}  // namespace medcnn::bench
