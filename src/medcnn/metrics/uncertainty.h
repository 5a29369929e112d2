// Per-case summaries of several stochastic predictions of one case (MC
// dropout passes, test-time augmentations, ensemble members).
//
// summarize_samples(samples: T >= 1 rows of k >= 2 probabilities, each row
// summing to 1) returns, natural logarithms throughout:
//   mean               the mean probability row, (1/T) sum_t p_t
//   entropy            predictive entropy H(mean) = -sum_k mean_k log mean_k
//   expected_entropy   aleatoric part, (1/T) sum_t H(p_t)
//   mutual_information epistemic part (BALD), H(mean) - E_t[H(p_t)], clamped
//                      at 0 (it is >= 0 in exact arithmetic)
//   variance           mean over the k classes of the population variance
//                      (ddof 0, divide by T) of p_t[k] across the samples
//   vote               the class most samples rank first (argmax, ties ->
//                      lowest class; vote ties -> lowest class)
//   vote_agreement     the share of samples whose argmax is `vote`
// entropy(p): -sum p_i log p_i with 0 log 0 = 0 (natural log).
//
// Errors: DataError for no samples, rows of different widths, fewer than 2
// classes, NaN or infinite values or rows not summing to 1 (metrics/check.h);
// entropy() for an empty vector or a NaN, infinite or negative entry.
#pragma once
#include <cstdint>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct PredictiveSummary {
  std::vector<double> mean;
  double entropy = 0, expected_entropy = 0, mutual_information = 0, variance = 0;
  int64_t vote = 0;
  double vote_agreement = 0;
};

PredictiveSummary summarize_samples(const Probabilities& samples);

double entropy(const std::vector<double>& p);

}  // namespace medcnn
