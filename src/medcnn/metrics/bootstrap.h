// Percentile bootstrap confidence intervals over cases.
//
// A resample draws n cases with replacement (n = number of cases) from
// medcnn::Rng(seed); it is handed to the metric as weights: weights[i] = how
// many times case i was drawn (the weights sum to n; all ones is the original
// data). The metric returns one or several values; a NaN value means
// "undefined on this resample" (e.g. AUC when one class only was drawn) and
// that resample is skipped for that value and counted in `skipped`.
// The interval is [percentile(alpha/2), percentile(1 - alpha/2)] of the kept
// values, alpha = 1 - confidence, percentiles interpolated linearly between
// order statistics (numpy.percentile's default). With resamples = 0, or
// when every resample is skipped, lo and hi are NaN.
// The same seed gives the same resamples, hence the same interval.
// Throws DataError when n_cases is 0, ConfigError when resamples < 0 or the
// confidence is not in (0, 1).
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace medcnn {

struct BootstrapOptions {
  int resamples = 1000;
  uint64_t seed = 0;
  double confidence = 0.95;
};

struct BootstrapInterval {
  double value = 0;  // the metric on the original data
  double lo = 0, hi = 0;
  int used = 0;     // resamples where the metric was defined
  int skipped = 0;  // resamples where it was NaN
};

using WeightedMetric = std::function<double(const std::vector<int64_t>& weights)>;
using WeightedMetrics = std::function<std::vector<double>(const std::vector<int64_t>& weights)>;

BootstrapInterval bootstrap_interval(size_t n_cases, const WeightedMetric& metric,
                                     const BootstrapOptions& options = {});
// Several metrics on the same resamples (each call must return as many values
// as the call on the original data).
std::vector<BootstrapInterval> bootstrap_intervals(size_t n_cases, const WeightedMetrics& metrics,
                                                   const BootstrapOptions& options = {});

// The case indices a weight vector stands for (case i repeated weights[i] times),
// for metrics that are easier to write on a list of cases.
std::vector<size_t> resampled_indices(const std::vector<int64_t>& weights);

// numpy.percentile(values, q) with linear interpolation, q in [0, 100];
// NaN for no values.
double percentile(std::vector<double> values, double q);

}  // namespace medcnn
