#include "medcnn/nn/blocks/size_chain.h"

namespace medcnn {
namespace {

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

void SizeChain::conv(int64_t kernel, int64_t stride, int64_t padding, int64_t dilation) {
  ops_.push_back({kernel, stride, padding, dilation, false, 0});
}

void SizeChain::pool(int64_t kernel, int64_t stride, int64_t padding, bool ceil_mode) {
  ops_.push_back({kernel, stride <= 0 ? kernel : stride, padding, 1, ceil_mode, 0});
}

void SizeChain::divide(int64_t divisor) { ops_.push_back({1, 1, 0, 1, false, divisor}); }

int64_t SizeChain::out(int64_t in) const {
  int64_t n = in;
  for (const auto& op : ops_) {
    if (n < 1) return 0;
    if (op.divisor > 0) {
      n = n / op.divisor;
      continue;
    }
    // torch's pooling_output_shape (the same formula serves convolutions).
    const int64_t eff = op.dilation * (op.kernel - 1) + 1;
    int64_t o = floor_div(n + 2 * op.padding - eff + (op.ceil_mode ? op.stride - 1 : 0),
                          op.stride) + 1;
    if (op.ceil_mode && (o - 1) * op.stride >= n + op.padding) --o;
    // A convolution also needs the (padded) input to hold one kernel.
    if (!op.ceil_mode && n + 2 * op.padding < eff) return 0;
    n = o;
  }
  return n < 1 ? 0 : n;
}

int64_t SizeChain::min_input() const {
  for (int64_t n = 1; n <= 65536; ++n)
    if (out(n) >= 1) return n;
  return 65537;
}

}  // namespace medcnn
