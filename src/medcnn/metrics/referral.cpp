#include "medcnn/metrics/referral.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/metrics/check.h"

namespace medcnn {

namespace {

void check_correct(const std::string& where, const std::vector<int>& correct) {
  metrics_detail::check_not_empty(where, correct.size());
  for (size_t i = 0; i < correct.size(); ++i)
    if (correct[i] != 0 && correct[i] != 1) {
      std::ostringstream os;
      os << "correct must be 0 or 1 per case: correct[" << i << "] = " << correct[i];
      throw DataError(where, os.str());
    }
}

ReferralCurve referral_impl(const std::string& where, const std::vector<int>& correct,
                            const Scores& uncertainty, const std::vector<double>& fractions) {
  check_correct(where, correct);
  metrics_detail::check_scores(where, uncertainty);
  metrics_detail::check_same_length(where, "correct", correct.size(), "uncertainty",
                                    uncertainty.size());
  if (fractions.empty()) throw DataError(where, "no retained fractions given");
  for (size_t i = 0; i < fractions.size(); ++i)
    if (!(fractions[i] > 0 && fractions[i] <= 1)) {
      std::ostringstream os;
      os << "retained fraction " << i << " is " << fractions[i] << ", not in (0, 1]";
      throw DataError(where, os.str());
    }

  const size_t n = correct.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return uncertainty[a] < uncertainty[b]; });
  // prefix[m] = correct cases among the m least uncertain.
  std::vector<int64_t> prefix(n + 1, 0);
  for (size_t m = 0; m < n; ++m) prefix[m + 1] = prefix[m] + correct[order[m]];

  ReferralCurve r;
  r.accuracy_all = static_cast<double>(prefix[n]) / static_cast<double>(n);
  for (double f : fractions) {
    const double want = std::ceil(f * static_cast<double>(n) - 1e-9);
    const size_t keep = std::clamp<size_t>(static_cast<size_t>(std::max(want, 1.0)), 1, n);
    r.retained_fraction.push_back(f);
    r.retained.push_back(static_cast<int64_t>(keep));
    r.accuracy.push_back(static_cast<double>(prefix[keep]) / static_cast<double>(keep));
  }
  return r;
}

}  // namespace

std::vector<double> default_referral_fractions() {
  std::vector<double> f;
  for (int i = 20; i >= 10; --i) f.push_back(i / 20.0);
  return f;
}

ReferralCurve referral_curve(const std::vector<int>& correct, const Scores& uncertainty,
                             const std::vector<double>& fractions) {
  return referral_impl("referral_curve", correct, uncertainty, fractions);
}

double accuracy_at_referral(const std::vector<int>& correct, const Scores& uncertainty,
                            double refer_fraction) {
  const std::string where = "accuracy_at_referral";
  if (!(refer_fraction >= 0 && refer_fraction < 1)) {
    std::ostringstream os;
    os << "refer_fraction is " << refer_fraction << ", not in [0, 1)";
    throw DataError(where, os.str());
  }
  return referral_impl(where, correct, uncertainty, {1.0 - refer_fraction}).accuracy[0];
}

}  // namespace medcnn
