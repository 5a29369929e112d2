// Progress: a progress bar with rate and ETA on a terminal (stderr), and
// plain log lines (at most one every few seconds) when not on a terminal.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace medcnn {

class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit = "it");
  ~Progress();
  void advance(int64_t n = 1);
  void finish();

 private:
  void draw(bool final_line);
  std::string label_, unit_;
  int64_t total_, done_ = 0;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace medcnn
