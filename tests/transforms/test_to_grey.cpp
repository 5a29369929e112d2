// ToGrey: BT.601 luma worked by hand; grey images pass through; bad channel counts fail.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/transform.h"

namespace {
medcnn::Sample rgb_sample(float r, float g, float b) {
  auto x = torch::stack({torch::full({2, 3}, r), torch::full({2, 3}, g), torch::full({2, 3}, b)});
  medcnn::Sample s;
  s.id = "case";
  s.image = medcnn::Image::from_tensor(x, 2);
  return s;
}
}  // namespace

TEST(ToGrey, ComputesBt601Luma) {
  auto t = medcnn::make_transforms(nlohmann::json::parse(R"([{"name": "ToGrey"}])"));
  medcnn::Rng rng(0);
  auto s = rgb_sample(100, 200, 50);
  t.apply(s, rng);
  ASSERT_EQ(s.image.channels(), 1);
  // 0.299 * 100 + 0.587 * 200 + 0.114 * 50 = 29.9 + 117.4 + 5.7 = 153.0
  EXPECT_NEAR(s.image.data[0][1][2].item<double>(), 153.0, 1e-4);
  EXPECT_EQ(s.image.data.size(1), 2);
  EXPECT_EQ(s.image.data.size(2), 3);
}

TEST(ToGrey, GreyPassesThroughAndTwoChannelsFail) {
  auto t = medcnn::make_transforms(nlohmann::json::parse(R"([{"name": "ToGrey"}])"));
  medcnn::Rng rng(0);
  medcnn::Sample s;
  s.id = "grey";
  s.image = medcnn::Image::from_tensor(torch::arange(6, torch::kFloat).view({1, 2, 3}), 2);
  auto before = s.image.data.clone();
  t.apply(s, rng);
  EXPECT_TRUE(torch::equal(s.image.data, before));
  medcnn::Sample two;
  two.id = "two_channels";
  two.image = medcnn::Image::from_tensor(torch::zeros({2, 4, 4}), 2);
  try {
    t.apply(two, rng);
    FAIL();
  } catch (const medcnn::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("two_channels"), std::string::npos);
  }
}
