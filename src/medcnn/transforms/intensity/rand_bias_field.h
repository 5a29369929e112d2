// RandBiasField (MONAI name): multiplies the image by a random smooth field
// exp(sum_c c_ijk P_i(z) P_j(y) P_k(x)), P_n the Legendre polynomials on
// linspace(-1, 1, size) along each spatial axis.
//
// Parameters
//   degree       maximum total degree i + j (+ k) (default 3, >= 1)
//   coeff_range  [lo, hi]: each coefficient ~ U(lo, hi) (default [0, 0.1])
//   prob         probability of applying (default 0.1)
// One set of coefficients for all channels (as MONAI), drawn in the order of
// the exponents (i, j, k) listed lexicographically. Deviation from MONAI:
// its 2-D field uses the lower-triangular exponents j <= i; here 2-D and
// 3-D both use total degree <= degree (the same number of terms).
// Ensures: when applied, image becomes float32 x * field; otherwise
// unchanged. Any dimension.
#pragma once
#include "medcnn/transforms/transform.h"

namespace medcnn {

class RandBiasField : public Transform {
 public:
  explicit RandBiasField(const Params& p);
  std::string name() const override { return "RandBiasField"; }
  bool is_spatial() const override { return false; }
  bool is_random() const override { return true; }
  void apply(Sample& sample, Rng& rng) const override;

 private:
  double prob_ = 0.1, lo_ = 0.0, hi_ = 0.1;
  int64_t degree_ = 3;
};

}  // namespace medcnn
