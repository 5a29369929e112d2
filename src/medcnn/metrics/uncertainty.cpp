#include "medcnn/metrics/uncertainty.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/metrics/check.h"

namespace medcnn {

namespace {

// 0 log 0 = 0; entries assumed finite and >= 0.
double entropy_unchecked(const std::vector<double>& p) {
  double h = 0;
  for (double v : p)
    if (v > 0) h -= v * std::log(v);
  return h;
}

}  // namespace

double entropy(const std::vector<double>& p) {
  const std::string where = "entropy";
  metrics_detail::check_not_empty(where, p.size());
  for (size_t i = 0; i < p.size(); ++i)
    if (!std::isfinite(p[i]) || p[i] < 0) {
      std::ostringstream os;
      os << "probability " << i << " is " << p[i] << ", not a finite value >= 0";
      throw DataError(where, os.str());
    }
  return entropy_unchecked(p);
}

PredictiveSummary summarize_samples(const Probabilities& samples) {
  const int k = metrics_detail::check_probabilities("summarize_samples", samples);
  const size_t kk = static_cast<size_t>(k);
  const double t = static_cast<double>(samples.size());
  PredictiveSummary s;
  s.mean.assign(kk, 0.0);
  std::vector<int64_t> votes(kk, 0);
  for (const auto& row : samples) {
    for (size_t c = 0; c < kk; ++c) s.mean[c] += row[c];
    s.expected_entropy += entropy_unchecked(row);
    ++votes[static_cast<size_t>(std::max_element(row.begin(), row.end()) - row.begin())];
  }
  for (double& v : s.mean) v /= t;
  s.expected_entropy /= t;
  s.entropy = entropy_unchecked(s.mean);
  s.mutual_information = std::max(0.0, s.entropy - s.expected_entropy);
  double var = 0;
  for (size_t c = 0; c < kk; ++c) {
    double ss = 0;
    for (const auto& row : samples) {
      const double d = row[c] - s.mean[c];
      ss += d * d;
    }
    var += ss / t;
  }
  s.variance = var / static_cast<double>(kk);
  const size_t vote = static_cast<size_t>(std::max_element(votes.begin(), votes.end()) -
                                          votes.begin());
  s.vote = static_cast<int64_t>(vote);
  s.vote_agreement = static_cast<double>(votes[vote]) / t;
  return s;
}

}  // namespace medcnn
