// MixUp: the mixed batch checked element by element, and lambda's
// distribution against the moments of Beta(alpha, alpha).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <numeric>

#include "medcnn/core/error.h"
#include "medcnn/train/mixup.h"

namespace {

medcnn::Batch batch_of(int64_t n) {
  medcnn::Batch b;
  b.images = torch::randn({n, 2, 5, 4});
  b.labels = torch::arange(n, torch::kLong) % 3;
  for (int64_t i = 0; i < n; ++i) b.ids.push_back("case" + std::to_string(i));
  return b;
}

}  // namespace

TEST(MixUp, MixesEachCaseWithItsPartner) {
  torch::manual_seed(4);
  const auto b = batch_of(7);
  const auto m = medcnn::mix_up(b, 0.4);
  ASSERT_EQ(m.permutation.size(), 7u);
  auto sorted = m.permutation;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(7);
  std::iota(identity.begin(), identity.end(), 0);
  EXPECT_EQ(sorted, identity) << "a permutation of the batch";
  ASSERT_GT(m.lambda, 0.0);
  ASSERT_LT(m.lambda, 1.0);
  auto x = b.images.accessor<float, 4>();
  auto y = m.images.accessor<float, 4>();
  for (int64_t i = 0; i < 7; ++i) {
    const int64_t j = m.permutation[static_cast<size_t>(i)];
    EXPECT_EQ(m.partner.ids[static_cast<size_t>(i)], "case" + std::to_string(j));
    EXPECT_EQ(m.partner.labels[i].item<int64_t>(), j % 3);
    for (int64_t c = 0; c < 2; ++c)
      for (int64_t r = 0; r < 5; ++r)
        for (int64_t k = 0; k < 4; ++k)
          EXPECT_NEAR(y[i][c][r][k], m.lambda * x[i][c][r][k] + (1 - m.lambda) * x[j][c][r][k], 1e-5);
  }
  // The same seed gives the same draws.
  torch::manual_seed(4);
  const auto b2 = batch_of(7);
  const auto m2 = medcnn::mix_up(b2, 0.4);
  EXPECT_EQ(m2.lambda, m.lambda);
  EXPECT_EQ(m2.permutation, m.permutation);
}

TEST(MixUp, LambdaHasTheMomentsOfBetaAlphaAlpha) {
  // Beta(a, a): mean 1/2, variance 1 / (4 (2a + 1)); 0.139 for a = 0.4,
  // 0.05 for a = 2 (a uniform lambda would give 1/12 = 0.083 for both).
  torch::manual_seed(9);
  const auto b = batch_of(2);
  for (double alpha : {0.4, 2.0}) {
    const int n = 20000;
    double sum = 0, sq = 0;
    for (int i = 0; i < n; ++i) {
      const double l = medcnn::mix_up(b, alpha).lambda;
      ASSERT_GE(l, 0.0);
      ASSERT_LE(l, 1.0);
      sum += l;
      sq += l * l;
    }
    const double mean = sum / n, var = sq / n - mean * mean;
    EXPECT_NEAR(mean, 0.5, 0.01) << "alpha " << alpha;
    EXPECT_NEAR(var, 1.0 / (4 * (2 * alpha + 1)), 0.005) << "alpha " << alpha;
  }
}

TEST(MixUp, RefusesAlphaZero) {
  auto b = batch_of(3);
  EXPECT_THROW(medcnn::mix_up(b, 0.0), medcnn::ConfigError);
  EXPECT_THROW(medcnn::mix_up(b, -1.0), medcnn::ConfigError);
}
