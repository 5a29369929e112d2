// RandGhosting (TorchIO's RandomGhosting): MRI ghosting artefacts from
// k-space lines scaled along the phase-encoding axis.
//
// Parameters
//   num_ghosts  number n (always n) or [lo, hi] integers >= 1
//               (default [4, 10]); the count is drawn in [lo, hi]
//   axes        candidate spatial axes in tensor order (0 = first spatial
//               axis, z in 3-D); one is drawn (default [0, 1, 2]; axes the
//               image does not have are dropped)
//   intensity   [lo, hi] or number (default [0.5, 1]): every n-th line of
//               the centred k-space (indices 0, n, 2n, ...) along the axis
//               is multiplied by (1 - intensity)
//   restore     fraction of k-space lines around the centre put back
//               unchanged (default 0.02): lines mid - r .. mid + r,
//               r = floor(restore * N / 2), mid = N / 2
//   prob        probability of applying (default 0.1)
// Ensures: when applied, image becomes float32 real(ifft(...)) of the same
// shape: replicas ("ghosts") of the object appear at offsets k N / n along
// the axis; the energy (sum of squares) does not increase. Otherwise
// unchanged. Any dimension; runs on the input's device (torch::fft).
#pragma once
#include <optional>
#include <vector>

#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandGhosting : public Transform {
 public:
  explicit RandGhosting(const Params& p);
  std::string name() const override { return "RandGhosting"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, intensity_lo_ = 0.5, intensity_hi_ = 1.0, restore_ = 0.02;
  int64_t ghosts_lo_ = 4, ghosts_hi_ = 10;
  std::vector<int64_t> axes_{0, 1, 2};
};

}  // namespace medcnn
