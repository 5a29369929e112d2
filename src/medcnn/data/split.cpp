// Seeded splits: see split.h for the contract.
#include "medcnn/data/split.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"

namespace medcnn {

namespace {

// Fisher-Yates with our own Rng, so the permutation does not depend on the
// standard library's std::shuffle.
template <class T>
void shuffle_in_place(std::vector<T>& v, Rng& rng) {
  for (size_t i = v.size(); i > 1; --i) {
    size_t j = static_cast<size_t>(rng.randint(0, static_cast<int64_t>(i) - 1));
    std::swap(v[i - 1], v[j]);
  }
}

// Classes in order of first appearance (scikit-learn's StratifiedKFold
// encodes them the same way), each with its member indices in index order.
std::vector<std::vector<size_t>> group_by_label(const std::vector<int64_t>& labels) {
  std::map<int64_t, size_t> slot;
  std::vector<std::vector<size_t>> groups;
  for (size_t i = 0; i < labels.size(); ++i) {
    auto it = slot.find(labels[i]);
    if (it == slot.end()) {
      it = slot.emplace(labels[i], groups.size()).first;
      groups.emplace_back();
    }
    groups[it->second].push_back(i);
  }
  return groups;
}

void check_fraction(double f, const char* what) {
  if (!(f >= 0.0 && f < 1.0))
    throw ConfigError(what, "fraction must be in [0, 1), got " + std::to_string(f));
}

}  // namespace

Split train_val_test_split(size_t n, double val_fraction, double test_fraction, uint64_t seed,
                           const std::vector<int64_t>& labels) {
  check_fraction(val_fraction, "split.val_fraction");
  check_fraction(test_fraction, "split.test_fraction");
  if (val_fraction + test_fraction >= 1.0)
    throw ConfigError("split", "val_fraction + test_fraction must be below 1 (got " +
                                   std::to_string(val_fraction + test_fraction) + ")");
  if (!labels.empty() && labels.size() != n)
    throw DataError("split", "got " + std::to_string(labels.size()) + " labels for " +
                                 std::to_string(n) + " cases");
  Rng rng = Rng::derive(seed, {0x5b117});
  std::vector<std::vector<size_t>> groups;
  if (labels.empty()) {
    groups.emplace_back(n);
    for (size_t i = 0; i < n; ++i) groups[0][i] = i;
  } else {
    groups = group_by_label(labels);
  }
  Split out;
  for (auto& g : groups) {
    shuffle_in_place(g, rng);
    const double c = static_cast<double>(g.size());
    size_t n_test = static_cast<size_t>(std::llround(c * test_fraction));
    size_t n_val = static_cast<size_t>(std::llround(c * val_fraction));
    if (n_test + n_val > g.size()) n_val = g.size() - n_test;
    out.test.insert(out.test.end(), g.begin(), g.begin() + n_test);
    out.val.insert(out.val.end(), g.begin() + n_test, g.begin() + n_test + n_val);
    out.train.insert(out.train.end(), g.begin() + n_test + n_val, g.end());
  }
  std::sort(out.train.begin(), out.train.end());
  std::sort(out.val.begin(), out.val.end());
  std::sort(out.test.begin(), out.test.end());
  return out;
}

namespace {
std::vector<Fold> folds_from_assignment(const std::vector<int>& fold_of, int k) {
  std::vector<Fold> folds(k);
  for (size_t i = 0; i < fold_of.size(); ++i)
    for (int f = 0; f < k; ++f) (f == fold_of[i] ? folds[f].val : folds[f].train).push_back(i);
  return folds;
}

void check_k(int k, size_t n) {
  if (k < 2) throw ConfigError("kfold.k", "need at least 2 folds, got " + std::to_string(k));
  if (static_cast<size_t>(k) > n)
    throw ConfigError("kfold.k", std::to_string(k) + " folds for only " + std::to_string(n) +
                                     " cases");
}
}  // namespace

std::vector<Fold> kfold(size_t n, int k, uint64_t seed) {
  check_k(k, n);
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  Rng rng = Rng::derive(seed, {0xf01d});
  shuffle_in_place(order, rng);
  // The first n % k folds get one case more (as scikit-learn's KFold).
  std::vector<int> fold_of(n);
  size_t pos = 0;
  for (int f = 0; f < k; ++f) {
    size_t len = n / k + (static_cast<size_t>(f) < n % k ? 1 : 0);
    for (size_t j = 0; j < len; ++j) fold_of[order[pos++]] = f;
  }
  return folds_from_assignment(fold_of, k);
}

std::vector<Fold> stratified_kfold(const std::vector<int64_t>& labels, int k, uint64_t seed) {
  const size_t n = labels.size();
  check_k(k, n);
  auto groups = group_by_label(labels);
  bool any_large = false;
  for (const auto& g : groups) any_large |= g.size() >= static_cast<size_t>(k);
  if (!any_large)
    throw DataError("kfold", "every class has fewer than " + std::to_string(k) +
                                 " cases: cannot stratify into " + std::to_string(k) + " folds");
  // Allocation as scikit-learn: lay the classes out one after the other
  // (order of first appearance) and deal the positions round-robin to the
  // folds. Each class is then spread as evenly as possible, and fold sizes
  // differ by at most one.
  std::vector<std::vector<size_t>> alloc(groups.size(), std::vector<size_t>(k, 0));
  size_t pos = 0;
  for (size_t c = 0; c < groups.size(); ++c)
    for (size_t j = 0; j < groups[c].size(); ++j) ++alloc[c][pos++ % k];
  Rng rng = Rng::derive(seed, {0x57f01d});
  std::vector<int> fold_of(n);
  for (size_t c = 0; c < groups.size(); ++c) {
    std::vector<int> slots;
    for (int f = 0; f < k; ++f) slots.insert(slots.end(), alloc[c][f], f);
    shuffle_in_place(slots, rng);
    for (size_t j = 0; j < groups[c].size(); ++j) fold_of[groups[c][j]] = slots[j];
  }
  return folds_from_assignment(fold_of, k);
}

}  // namespace medcnn
