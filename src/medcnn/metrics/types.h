// Input types shared by the classification metrics (plain arrays, no torch).
//
// Labels: one integer class index per case (0..k-1; binary metrics need 0/1,
// 1 being the positive class). Scores: one finite real per case, higher
// meaning "more positive" (a probability, a logit, any ranking score).
// Probabilities: one row per case holding k class probabilities that sum to 1.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace medcnn {

using Labels = std::vector<int64_t>;
using Scores = std::vector<double>;
using Probabilities = std::vector<std::vector<double>>;

}  // namespace medcnn
