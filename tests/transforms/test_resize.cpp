// Resize: label set kept by nearest, box follows object, geometry keeps
// physical positions, linear against a hand-computed value.
#include <torch/torch.h>

#include <set>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/resize.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using medcnn::test::labels_of;

namespace {
}  // namespace

TEST(Resize, NearestKeepsTheLabelSetAndDtype) {
  Sample s = test::object_sample({40, 50}, {2, 3}, {20, 20}, 1);
  s.mask->data.index_put_({0, torch::indexing::Slice(22, 38), torch::indexing::Slice(5, 30)}, 2);
  s.mask->data.index_put_({0, torch::indexing::Slice(5, 15), torch::indexing::Slice(30, 45)}, 7);
  for (auto size : std::vector<std::vector<int64_t>>{{17, 23}, {64, 81}, {33, 50}}) {
    Sample t = s;
    Resize r(Params{{"spatial_size", size}});
    Rng rng(0);
    r.apply(t, rng);
    EXPECT_EQ(t.image.spatial_shape(), size);
    EXPECT_EQ(t.mask->spatial_shape(), size);
    EXPECT_EQ(t.mask->data.scalar_type(), torch::kUInt8);
    EXPECT_EQ(labels_of(t.mask->data), (std::set<int64_t>{0, 1, 2, 7}));
    EXPECT_EQ(t.image.data.scalar_type(), torch::kFloat);
  }
}

TEST(Resize, BoxFollowsTheObject) {
  // Exact factors: the box equals the bounding box of the resized mask.
  Sample s = test::object_sample({20, 30}, {4, 6}, {11, 19});
  Resize up(Params{{"spatial_size", {40, 90}}});
  Rng rng(0);
  up.apply(s, rng);
  Box m = test::mask_bbox(s.mask->data);
  for (int j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]);
    EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]);
  }
  // Other factors (3-D): within one output pixel of the nearest-neighbour mask.
  Sample v = test::object_sample({12, 20, 24}, {2, 5, 3}, {9, 14, 20});
  Resize any(Params{{"spatial_size", {17, 13, 31}}});
  any.apply(v, rng);
  Box mv = test::mask_bbox(v.mask->data);
  ASSERT_EQ(mv.dims, 3);
  for (int j = 0; j < 3; ++j) {
    EXPECT_NEAR(v.boxes[0].lo[j], mv.lo[j], 1.0) << "axis " << j;
    EXPECT_NEAR(v.boxes[0].hi[j], mv.hi[j], 1.0) << "axis " << j;
  }
}

TEST(Resize, PhysicalPositionOfTheObjectIsKept) {
  Sample s = test::object_sample({24, 32}, {6, 8}, {14, 20});
  Geometry g = Geometry::identity(2);
  g.spacing = {0.7, 1.3, 1};
  g.origin = {5, -3, 0};
  g.direction = {0, -1, 0, 1, 0, 0, 0, 0, 1};
  s.image.geometry = g;
  s.mask->geometry = g;
  auto centre_before = test::box_point_physical(g, s.boxes[0].centre());
  for (auto size : std::vector<std::vector<int64_t>>{{48, 64}, {12, 16}}) {
    Sample t = s;
    Resize r(Params{{"spatial_size", size}});
    Rng rng(0);
    r.apply(t, rng);
    const Geometry& h = t.image.geometry;
    // Physical extent unchanged.
    EXPECT_NEAR(h.spacing[0] * size[1], g.spacing[0] * 32, 1e-9);
    EXPECT_NEAR(h.spacing[1] * size[0], g.spacing[1] * 24, 1e-9);
    EXPECT_TRUE(t.mask->geometry.same_as(h, 1e-12));
    // Centre of the object (from the resized mask) at the same place.
    Box m = test::mask_bbox(t.mask->data);
    auto centre_after = test::box_point_physical(h, m.centre());
    for (int i = 0; i < 2; ++i) EXPECT_NEAR(centre_after[i], centre_before[i], 1e-9);
    // The image's physical corner (edge of pixel 0) is unchanged too.
    auto corner_before = g.index_to_physical({-0.5, -0.5, 0});
    auto corner_after = h.index_to_physical({-0.5, -0.5, 0});
    for (int i = 0; i < 2; ++i) EXPECT_NEAR(corner_after[i], corner_before[i], 1e-9);
  }
}

TEST(Resize, LinearInterpolatesBetweenPixelCentres) {
  // 1x1x2 image [0, 4] -> width 4: centres at 0.25-pixel steps with
  // half-pixel alignment: x' = (i + 0.5) / 2 - 0.5 -> -0.25, 0.25, 0.75, 1.25
  // clamped -> values 0, 1, 3, 4.
  Sample s;
  s.image = Image::from_tensor(torch::tensor({0.f, 4.f}).reshape({1, 1, 2}), 2);
  Resize r(Params{{"spatial_size", {1, 4}}});
  Rng rng(0);
  r.apply(s, rng);
  at::Tensor expect = torch::tensor({0.f, 1.f, 3.f, 4.f}).reshape({1, 1, 4});
  EXPECT_TRUE(torch::allclose(s.image.data, expect)) << s.image.data;
}

TEST(Resize, SizeListMustFitTheImage) {
  Sample s = test::object_sample({8, 8}, {0, 0}, {2, 2});
  Resize r(Params{{"spatial_size", {4, 4, 4}}});
  Rng rng(0);
  EXPECT_THROW(r.apply(s, rng), ConfigError);
  Resize one(Params{{"spatial_size", 5}});
  one.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{5, 5}));
  EXPECT_THROW(Resize(nlohmann::json::object()), ConfigError);
  EXPECT_THROW(Resize(Params{{"spatial_size", 4}, {"mode", "cubic"}}), ConfigError);
}
