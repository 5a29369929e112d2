// Splits and k-fold: coverage, stratification, determinism, errors, and
// per-fold class counts against scikit-learn's StratifiedKFold.
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/data/split.h"
#include "test_support.h"

using namespace medcnn;

namespace {

// Labels of three unequal classes in a scrambled order.
std::vector<int64_t> make_labels(const std::vector<int>& sizes, uint64_t seed) {
  std::vector<int64_t> y;
  for (size_t c = 0; c < sizes.size(); ++c) y.insert(y.end(), sizes[c], static_cast<int64_t>(c));
  Rng rng(seed);
  for (size_t i = y.size(); i > 1; --i) std::swap(y[i - 1], y[rng.randint(0, i - 1)]);
  return y;
}

std::map<int64_t, int> count(const std::vector<size_t>& idx, const std::vector<int64_t>& y) {
  std::map<int64_t, int> m;
  for (size_t i : idx) ++m[y[i]];
  return m;
}

void expect_partition(size_t n, const std::vector<const std::vector<size_t>*>& parts) {
  std::vector<int> seen(n, 0);
  for (const auto* p : parts)
    for (size_t i : *p) {
      ASSERT_LT(i, n);
      ++seen[i];
    }
  for (size_t i = 0; i < n; ++i) EXPECT_EQ(seen[i], 1) << "index " << i;
}

}  // namespace

TEST(Split, EveryIndexExactlyOnceWithoutLabels) {
  Split s = train_val_test_split(103, 0.2, 0.1, 7);
  expect_partition(103, {&s.train, &s.val, &s.test});
  EXPECT_NEAR(static_cast<double>(s.val.size()), 20.6, 1.0);
  EXPECT_NEAR(static_cast<double>(s.test.size()), 10.3, 1.0);
}

TEST(Split, StratifiedKeepsClassProportionsWithinOne) {
  const std::vector<int> sizes = {50, 31, 7};
  auto y = make_labels(sizes, 3);
  const double fv = 0.2, ft = 0.15;
  Split s = train_val_test_split(y.size(), fv, ft, 11, y);
  expect_partition(y.size(), {&s.train, &s.val, &s.test});
  auto cv = count(s.val, y), ct = count(s.test, y), cr = count(s.train, y);
  for (size_t c = 0; c < sizes.size(); ++c) {
    EXPECT_LE(std::abs(cv[c] - sizes[c] * fv), 1.0) << "class " << c;
    EXPECT_LE(std::abs(ct[c] - sizes[c] * ft), 1.0) << "class " << c;
    EXPECT_LE(std::abs(cr[c] - sizes[c] * (1 - fv - ft)), 1.0) << "class " << c;
  }
}

TEST(Split, SameSeedSameSplitOtherSeedOtherSplit) {
  auto y = make_labels({40, 40}, 1);
  Split a = train_val_test_split(y.size(), 0.25, 0.25, 5, y);
  Split b = train_val_test_split(y.size(), 0.25, 0.25, 5, y);
  Split c = train_val_test_split(y.size(), 0.25, 0.25, 6, y);
  EXPECT_EQ(a.train, b.train);
  EXPECT_EQ(a.val, b.val);
  EXPECT_EQ(a.test, b.test);
  EXPECT_NE(a.val, c.val);
}

TEST(Split, BadFractionsAreConfigErrors) {
  EXPECT_THROW(train_val_test_split(10, 0.6, 0.5, 0), ConfigError);
  EXPECT_THROW(train_val_test_split(10, -0.1, 0.1, 0), ConfigError);
  EXPECT_THROW(train_val_test_split(10, 0.1, 0.1, 0, {0, 1}), DataError);
}

TEST(KFold, StratifiedFoldsCoverEveryIndexOnceAndSpreadEachClass) {
  const std::vector<int> sizes = {53, 26, 9};
  auto y = make_labels(sizes, 9);
  const int k = 5;
  auto folds = stratified_kfold(y, k, 42);
  ASSERT_EQ(folds.size(), static_cast<size_t>(k));
  std::vector<const std::vector<size_t>*> vals;
  for (const auto& f : folds) vals.push_back(&f.val);
  expect_partition(y.size(), vals);
  size_t lo = y.size(), hi = 0;
  for (const auto& f : folds) {
    // train is the complement of val
    std::vector<size_t> all = f.train;
    all.insert(all.end(), f.val.begin(), f.val.end());
    std::sort(all.begin(), all.end());
    ASSERT_EQ(all.size(), y.size());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], i);
    auto c = count(f.val, y);
    for (size_t cls = 0; cls < sizes.size(); ++cls)
      EXPECT_LE(std::abs(c[cls] - sizes[cls] / static_cast<double>(k)), 1.0) << "class " << cls;
    lo = std::min(lo, f.val.size());
    hi = std::max(hi, f.val.size());
  }
  EXPECT_LE(hi - lo, 1u);
}

TEST(KFold, SeedDecidesTheFolds) {
  auto y = make_labels({30, 30}, 2);
  auto a = stratified_kfold(y, 3, 1), b = stratified_kfold(y, 3, 1), c = stratified_kfold(y, 3, 2);
  for (int f = 0; f < 3; ++f) EXPECT_EQ(a[f].val, b[f].val);
  bool differ = false;
  for (int f = 0; f < 3; ++f) differ |= a[f].val != c[f].val;
  EXPECT_TRUE(differ);
}

TEST(KFold, BadKIsAnError) {
  std::vector<int64_t> y = {0, 0, 0, 1, 1, 1};
  EXPECT_THROW(stratified_kfold(y, 1, 0), ConfigError);
  EXPECT_THROW(stratified_kfold(y, 7, 0), ConfigError);
  EXPECT_THROW(stratified_kfold(y, 4, 0), DataError);  // every class smaller than k
  EXPECT_NO_THROW(stratified_kfold({0, 0, 0, 0, 1, 1}, 4, 0));  // one class is large enough
  EXPECT_THROW(kfold(5, 0, 0), ConfigError);
  EXPECT_THROW(kfold(5, 6, 0), ConfigError);
}

TEST(KFold, PlainKFoldSizesDifferByAtMostOne) {
  auto folds = kfold(23, 4, 3);
  std::vector<const std::vector<size_t>*> vals;
  for (const auto& f : folds) {
    vals.push_back(&f.val);
    EXPECT_TRUE(f.val.size() == 5 || f.val.size() == 6);
    EXPECT_EQ(f.train.size() + f.val.size(), 23u);
  }
  expect_partition(23, vals);
}

TEST(KFold, PerFoldClassCountsMatchScikitLearn) {
  test::TempDir tmp;
  for (auto [sizes, k] : std::vector<std::pair<std::vector<int>, int>>{
           {{53, 26, 9}, 5}, {{147, 399}, 5}, {{10, 3, 21, 4}, 3}, {{7, 7}, 7}}) {
    auto y = make_labels(sizes, 17);
    const std::string file = tmp.file("labels.txt");
    {
      std::ofstream out(file);
      for (auto v : y) out << v << " ";
    }
    auto oracle = test::run_oracle("data_stratified_kfold.py", {file, std::to_string(k), "0"});
    ASSERT_FALSE(oracle.is_null());
    // Multiset of per-fold class-count vectors (fold order is not compared).
    auto vec = [&](const std::map<int64_t, int>& m) {
      std::vector<int> v(sizes.size(), 0);
      for (auto [c, n] : m) v[c] = n;
      return v;
    };
    std::vector<std::vector<int>> ours, theirs;
    for (const auto& f : stratified_kfold(y, k, 123)) ours.push_back(vec(count(f.val, y)));
    for (const auto& f : oracle["folds"]) {
      std::map<int64_t, int> m;
      for (const auto& [c, n] : f.items()) m[std::stoll(c)] = n.get<int>();
      theirs.push_back(vec(m));
    }
    std::sort(ours.begin(), ours.end());
    std::sort(theirs.begin(), theirs.end());
    EXPECT_EQ(ours, theirs) << "k = " << k;
  }
}
