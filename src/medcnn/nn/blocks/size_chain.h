// SizeChain: how a chain of convolutions and poolings shrinks one spatial
// axis, to find a network's smallest valid input.
//
// Record the size-changing layers of the main path in order (parallel
// branches of a block keep sizes equal, so one path is enough); out(n) is
// the output extent for input extent n with torch's arithmetic (floor, or
// ceil mode as torch's pooling: a window must start inside the input or
// the left padding), or 0 when some layer would get too small an input.
// min_input() is the smallest n with out(n) >= 1 (searched up to 65536).
#pragma once
#include <cstdint>
#include <vector>

namespace medcnn {

class SizeChain {
 public:
  void conv(int64_t kernel, int64_t stride = 1, int64_t padding = 0, int64_t dilation = 1);
  void pool(int64_t kernel, int64_t stride = 0, int64_t padding = 0, bool ceil_mode = false);
  // A crop that keeps floor(n / divisor) (e.g. a centre crop).
  void divide(int64_t divisor);
  int64_t out(int64_t in) const;
  int64_t min_input() const;

 private:
  struct Op {
    int64_t kernel, stride, padding, dilation;
    bool ceil_mode;
    int64_t divisor;
  };
  std::vector<Op> ops_;
};

}  // namespace medcnn
