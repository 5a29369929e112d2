// Referral curves: accuracy on the cases a model keeps when the most
// uncertain ones are referred to a human.
//
// referral_curve(correct 0/1 per case, uncertainty per case, fractions): for
// each fraction f in (0, 1] the n_keep = max(1, ceil(f * n - 1e-9)) cases of
// LOWEST uncertainty are kept and the accuracy (share of correct) among them
// is reported. Cases are ranked by uncertainty ascending, ties kept in index
// order (a stable sort: of two equally uncertain cases the one with the lower
// index is kept first). The result holds, in the order of `fractions`,
// retained_fraction[i] = fractions[i] (as asked), retained[i] = n_keep (so
// retained[i] / n is the exact share kept) and accuracy[i]; accuracy_all is
// the accuracy on every case. The default fractions are 1.0, 0.95, ..., 0.5.
//
// accuracy_at_referral(correct, uncertainty, refer_fraction in [0, 1)): the
// accuracy on the 1 - refer_fraction least uncertain cases (0.10 -> the
// accuracy on the 90% kept), as referral_curve computes it.
//
// Errors: DataError for empty input, lengths that differ, `correct` values
// other than 0/1, NaN or infinite uncertainties, an empty fraction list or a
// fraction outside (0, 1] (refer_fraction outside [0, 1)).
#pragma once
#include <cstdint>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct ReferralCurve {
  std::vector<double> retained_fraction, accuracy;
  std::vector<int64_t> retained;
  double accuracy_all = 0;
};

// 1.0, 0.95, ..., 0.5 (11 values).
std::vector<double> default_referral_fractions();

ReferralCurve referral_curve(const std::vector<int>& correct, const Scores& uncertainty,
                             const std::vector<double>& fractions = default_referral_fractions());

double accuracy_at_referral(const std::vector<int>& correct, const Scores& uncertainty,
                            double refer_fraction);

}  // namespace medcnn
