#include "medcnn/core/progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>

namespace medcnn {

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total),
      tty_(isatty(fileno(stderr)) != 0),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { finish(); }

void Progress::advance(int64_t n) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  double since = std::chrono::duration<double>(now - last_draw_).count();
  if ((tty_ && since > 0.1) || (!tty_ && since > 5.0)) {
    last_draw_ = now;
    draw(false);
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  draw(true);
}

void Progress::draw(bool final_line) {
  double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = el > 0 ? done_ / el : 0.0;
  double eta = (rate > 0 && total_ > done_) ? (total_ - done_) / rate : 0.0;
  if (tty_) {
    const int width = 30;
    int filled = total_ > 0 ? static_cast<int>(width * double(done_) / double(total_)) : 0;
    std::string bar(std::min(filled, width), '#');
    bar.resize(width, '.');
    std::fprintf(stderr, "\r%s [%s] %lld/%lld %.1f %s/s ETA %.0fs%s", label_.c_str(),
                 bar.c_str(), (long long)done_, (long long)total_, rate, unit_.c_str(), eta,
                 final_line ? "\n" : "");
    std::fflush(stderr);
  } else {
    spdlog::info("{}: {}/{} {:.1f} {}/s ETA {:.0f}s", label_, done_, total_, rate, unit_, eta);
  }
}

}  // namespace medcnn
