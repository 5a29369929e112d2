// Small helpers shared by the benchmark programs: the source folder (for the
// Python peers), a steady clock, elapsed seconds, fixed-point formatting.
#pragma once
#include <chrono>
#include <sstream>
#include <string>

#ifndef MEDCNN_SOURCE_DIR
#define MEDCNN_SOURCE_DIR "."
#endif

namespace medcnn::bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

inline std::string fmt(double v, int precision) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(precision);
  s << v;
  return s.str();
}

}  // namespace medcnn::bench
