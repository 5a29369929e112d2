// Seeded splits of case indices.
//
// train_val_test_split(n, val, test, seed, labels): fractions of n; with
// labels (non-empty) the split is stratified: each class is divided in the
// same proportions. Deterministic for a seed. Every index appears once.
// stratified_kfold(labels, k, seed): k folds; fold f's validation part holds
// about 1/k of each class, its training part the rest. Throws ConfigError if
// k < 2 or k > n, and DataError if every class has fewer than k cases
// (scikit-learn's rule; a class smaller than k only lands in fewer folds).
#pragma once
#include <cstdint>
#include <vector>

namespace medcnn {

struct Split {
  std::vector<size_t> train, val, test;
};

struct Fold {
  std::vector<size_t> train, val;
};

Split train_val_test_split(size_t n, double val_fraction, double test_fraction, uint64_t seed,
                           const std::vector<int64_t>& labels = {});
std::vector<Fold> stratified_kfold(const std::vector<int64_t>& labels, int k, uint64_t seed);
std::vector<Fold> kfold(size_t n, int k, uint64_t seed);

}  // namespace medcnn
