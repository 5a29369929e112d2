// RandFlip: identity when applied twice, boxes follow the object, geometry
// keeps physical positions, probability and 3-D.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/rand_flip.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;

namespace {
void expect_box_eq(const Box& a, const Box& b) {
  for (int j = 0; j < a.dims; ++j) {
    EXPECT_DOUBLE_EQ(a.lo[j], b.lo[j]) << "axis " << j;
    EXPECT_DOUBLE_EQ(a.hi[j], b.hi[j]) << "axis " << j;
  }
}
}  // namespace

TEST(RandFlip, FlippingTwiceIsIdentity2DAnd3D) {
  for (auto shape : std::vector<std::vector<int64_t>>{{13, 17}, {6, 9, 11}}) {
    std::vector<int64_t> lo(shape.size(), 1), hi(shape.size(), 4);
    Sample s = test::object_sample(shape, lo, hi);
    s.image.geometry.spacing = {0.5, 2.0, 3.0};
    s.image.geometry.origin = {10, -4, 7};
    s.mask->geometry = s.image.geometry;
    Sample t = s;
    RandFlip flip(Params{{"prob", 1.0}});
    Rng rng(0);
    flip.apply(t, rng);
    EXPECT_FALSE(torch::equal(t.image.data, s.image.data));
    flip.apply(t, rng);
    EXPECT_TRUE(torch::equal(t.image.data, s.image.data));
    EXPECT_TRUE(torch::equal(t.mask->data, s.mask->data));
    EXPECT_TRUE(t.image.geometry.same_as(s.image.geometry, 1e-12));
    ASSERT_EQ(t.boxes.size(), 1u);
    expect_box_eq(t.boxes[0], s.boxes[0]);
  }
}

TEST(RandFlip, BoxFollowsTheObject) {
  for (auto axes : std::vector<std::vector<int64_t>>{{0}, {1}, {0, 1}, {-1}}) {
    Sample s = test::object_sample({20, 30}, {3, 5}, {9, 12});
    RandFlip flip(Params{{"prob", 1.0}, {"spatial_axis", axes}});
    Rng rng(1);
    flip.apply(s, rng);
    Box expect = test::mask_bbox(s.mask->data);
    ASSERT_EQ(s.boxes.size(), 1u);
    expect_box_eq(s.boxes[0], expect);
  }
  Sample v = test::object_sample({8, 10, 12}, {1, 2, 3}, {4, 5, 9});
  RandFlip flip3(Params{{"prob", 1.0}, {"spatial_axis", {0, 2}}});
  Rng rng(2);
  flip3.apply(v, rng);
  expect_box_eq(v.boxes[0], test::mask_bbox(v.mask->data));
}

TEST(RandFlip, PixelsKeepTheirPhysicalPosition) {
  Sample s = test::object_sample({7, 9}, {0, 0}, {1, 1});
  s.image.geometry.spacing = {0.7, 1.3, 1};
  s.image.geometry.origin = {5, -3, 0};
  s.image.geometry.direction = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  s.mask->geometry = s.image.geometry;
  Sample t = s;
  RandFlip flip(Params{{"prob", 1.0}, {"spatial_axis", {0, 1}}});
  Rng rng(0);
  flip.apply(t, rng);
  // New pixel (x=2, y=1) holds old pixel (x=6, y=5), at the same place.
  const float v = t.image.data[0][1][2].item<float>();
  EXPECT_EQ(v, s.image.data[0][5][6].item<float>());
  auto p_new = t.image.geometry.index_to_physical({2, 1, 0});
  auto p_old = s.image.geometry.index_to_physical({6, 5, 0});
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(p_new[i], p_old[i], 1e-9);
}

TEST(RandFlip, ProbabilityControlsHowOftenItFlips) {
  RandFlip never(Params{{"prob", 0.0}}), half(Params{{"prob", 0.5}});
  Sample s = test::object_sample({4, 4}, {0, 0}, {1, 1});
  int flipped = 0;
  for (uint64_t i = 0; i < 400; ++i) {
    Sample a = s, b = s;
    Rng r1 = Rng::derive(3, {i}), r2 = Rng::derive(3, {i});
    never.apply(a, r1);
    EXPECT_TRUE(torch::equal(a.image.data, s.image.data));
    half.apply(b, r2);
    flipped += !torch::equal(b.image.data, s.image.data);
  }
  EXPECT_GT(flipped, 150);
  EXPECT_LT(flipped, 250);
}

TEST(RandFlip, AxisOutOfRangeIsAConfigError) {
  Sample s = test::object_sample({4, 4}, {0, 0}, {1, 1});
  RandFlip flip(Params{{"prob", 1.0}, {"spatial_axis", 2}});
  Rng rng(0);
  EXPECT_THROW(flip.apply(s, rng), ConfigError);  // 2-D image has axes 0, 1
}
