// RandResizedCrop: output size, boxes follow the object, crop parameters
// within the scale and ratio ranges, seeded determinism, errors.
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/rand_resized_crop.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;

TEST(RandResizedCrop, CropParametersStayInTheRanges) {
  RandResizedCrop t(Params{{"size", 32}, {"scale", {0.2, 0.6}}, {"ratio", {0.5, 2.0}}});
  for (uint64_t seed = 0; seed < 200; ++seed) {
    Rng rng(seed);
    auto c = t.crop_params(100, 160, rng);
    EXPECT_GE(c[0], 0);
    EXPECT_GE(c[1], 0);
    EXPECT_LE(c[0] + c[2], 100);
    EXPECT_LE(c[1] + c[3], 160);
    const double area = static_cast<double>(c[2] * c[3]) / (100.0 * 160.0);
    EXPECT_GT(area, 0.18);
    EXPECT_LT(area, 0.63);
    const double ratio = static_cast<double>(c[3]) / static_cast<double>(c[2]);
    EXPECT_GT(ratio, 0.45);
    EXPECT_LT(ratio, 2.2);
  }
}

TEST(RandResizedCrop, BoxFollowsTheObject) {
  RandResizedCrop t(Params{{"size", {48, 64}}, {"scale", {0.5, 1.0}}});
  int checked = 0;
  for (uint64_t seed = 0; seed < 12; ++seed) {
    Sample s = test::object_sample({60, 80}, {20, 25}, {40, 50}, 1, seed);
    Rng rng(seed);
    t.apply(s, rng);
    EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{48, 64}));
    EXPECT_EQ(s.mask->spatial_shape(), (std::vector<int64_t>{48, 64}));
    Box m = test::mask_bbox(s.mask->data);
    if (m.dims == 0) {
      EXPECT_TRUE(s.boxes.empty());
      continue;
    }
    ASSERT_EQ(s.boxes.size(), 1u);
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(s.boxes[0].lo[j], m.lo[j], 1.0) << seed << " " << j;
      EXPECT_NEAR(s.boxes[0].hi[j], m.hi[j], 1.0) << seed << " " << j;
    }
    ++checked;
  }
  EXPECT_GT(checked, 6);
}

TEST(RandResizedCrop, ProbZeroResizesTheWholeImageAndSeedsRepeat) {
  Sample s = test::object_sample({30, 40}, {5, 5}, {10, 10});
  RandResizedCrop never(Params{{"size", 20}, {"prob", 0.0}});
  Sample a = s;
  Rng rng(0);
  never.apply(a, rng);
  EXPECT_EQ(a.image.spatial_shape(), (std::vector<int64_t>{20, 20}));
  EXPECT_NEAR(a.boxes[0].lo[0], 5 * 20.0 / 40.0, 1e-9);
  RandResizedCrop t(Params{{"size", 16}});
  Sample b = s, c = s;
  Rng r1(4), r2(4);
  t.apply(b, r1);
  t.apply(c, r2);
  EXPECT_TRUE(torch::equal(b.image.data, c.image.data));
}

TEST(RandResizedCrop, BadParametersAreConfigErrors) {
  EXPECT_THROW(RandResizedCrop(Params{{"scale", {0.1, 1.0}}}), ConfigError);
  EXPECT_THROW(RandResizedCrop(Params{{"size", 8}, {"scale", {0.5, 0.1}}}), ConfigError);
  EXPECT_THROW(RandResizedCrop(Params{{"size", 8}, {"ratio", 1.0}}), ConfigError);
  EXPECT_THROW(RandResizedCrop(Params{{"size", 8}, {"interpolation", "linear"}}), ConfigError);
  RandResizedCrop t(Params{{"size", 8}});
  Sample v = test::object_sample({4, 8, 8}, {0, 0, 0}, {1, 1, 1});
  Rng rng(0);
  EXPECT_THROW(t.apply(v, rng), ConfigError);
}
