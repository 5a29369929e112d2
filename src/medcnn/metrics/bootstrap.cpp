#include "medcnn/metrics/bootstrap.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const double pos = q / 100.0 * static_cast<double>(values.size() - 1);
  const size_t below = static_cast<size_t>(std::floor(pos));
  const size_t above = std::min(below + 1, values.size() - 1);
  const double frac = pos - static_cast<double>(below);
  return values[below] + frac * (values[above] - values[below]);
}

std::vector<size_t> resampled_indices(const std::vector<int64_t>& weights) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < weights.size(); ++i)
    for (int64_t r = 0; r < weights[i]; ++r) idx.push_back(i);
  return idx;
}

std::vector<BootstrapInterval> bootstrap_intervals(size_t n_cases, const WeightedMetrics& metrics,
                                                   const BootstrapOptions& options) {
  if (n_cases == 0) throw DataError("bootstrap", "empty input: no cases to resample");
  if (options.resamples < 0)
    throw ConfigError("bootstrap", "the number of resamples must be >= 0, got " +
                                       std::to_string(options.resamples));
  if (!(options.confidence > 0 && options.confidence < 1)) {
    std::ostringstream os;
    os << "the confidence level must be in (0, 1), got " << options.confidence;
    throw ConfigError("bootstrap", os.str());
  }
  const std::vector<double> full = metrics(std::vector<int64_t>(n_cases, 1));
  const size_t m = full.size();
  std::vector<std::vector<double>> draws(m);
  std::vector<BootstrapInterval> out(m);
  for (size_t j = 0; j < m; ++j) out[j].value = full[j];

  Rng rng(options.seed);
  std::vector<int64_t> weights(n_cases);
  const int64_t last = static_cast<int64_t>(n_cases) - 1;
  for (int r = 0; r < options.resamples; ++r) {
    std::fill(weights.begin(), weights.end(), 0);
    for (size_t d = 0; d < n_cases; ++d) ++weights[static_cast<size_t>(rng.randint(0, last))];
    const std::vector<double> v = metrics(weights);
    if (v.size() != m) {
      std::ostringstream os;
      os << "the metric returned " << v.size() << " values on a resample but " << m
         << " on the original data";
      throw DataError("bootstrap", os.str());
    }
    for (size_t j = 0; j < m; ++j) {
      if (std::isnan(v[j]))
        ++out[j].skipped;
      else
        draws[j].push_back(v[j]);
    }
  }
  const double alpha = 1.0 - options.confidence;
  for (size_t j = 0; j < m; ++j) {
    out[j].used = static_cast<int>(draws[j].size());
    out[j].lo = percentile(draws[j], 100.0 * alpha / 2);
    out[j].hi = percentile(std::move(draws[j]), 100.0 * (1 - alpha / 2));
  }
  return out;
}

BootstrapInterval bootstrap_interval(size_t n_cases, const WeightedMetric& metric,
                                     const BootstrapOptions& options) {
  return bootstrap_intervals(
      n_cases, [&](const std::vector<int64_t>& w) { return std::vector<double>{metric(w)}; },
      options)[0];
}

}  // namespace medcnn
