// RandSpatialCrop, CenterSpatialCrop, SpatialPad: content and physical
// positions agree, boxes follow (clipped / dropped), randomness is seeded.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/crop_pad/center_spatial_crop.h"
#include "medcnn/transforms/crop_pad/rand_spatial_crop.h"
#include "medcnn/transforms/crop_pad/spatial_pad.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;

namespace {

// Image whose value is the flat index of the pixel, so content tells where
// a pixel came from. Tilted geometry so origin mistakes show.
Sample index_sample(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (auto v : shape) n *= v;
  std::vector<int64_t> full{1};
  full.insert(full.end(), shape.begin(), shape.end());
  Sample s;
  s.id = "idx";
  const int dims = static_cast<int>(shape.size());
  Geometry g = Geometry::identity(dims);
  g.spacing = {0.8, 1.7, 2.5};
  g.origin = {-12, 30, 4};
  const double c = std::cos(0.3), si = std::sin(0.3);
  g.direction = {c, -si, 0, si, c, 0, 0, 0, 1};
  s.image = Image(torch::arange(n, torch::kDouble).reshape(full), g, PixelType::Float64);
  return s;
}

// Old index (x, y, z) of the pixel holding flat index v.
std::array<double, 3> where_from(int64_t v, const std::vector<int64_t>& shape) {
  std::array<double, 3> idx{0, 0, 0};
  const int dims = static_cast<int>(shape.size());
  for (int a = dims - 1; a >= 0; --a) {
    idx[dims - 1 - a] = static_cast<double>(v % shape[a]);
    v /= shape[a];
  }
  return idx;
}

// Every kept pixel sits where it sat before.
void expect_content_in_place(const Sample& before, const Sample& after) {
  const auto shape = before.image.spatial_shape();
  at::Tensor flat = after.image.data.reshape({-1});
  const auto new_shape = after.image.spatial_shape();
  for (int64_t k : {int64_t(0), flat.numel() / 2, flat.numel() - 1}) {
    const int64_t v = static_cast<int64_t>(flat[k].item<double>());
    auto p_old = before.image.geometry.index_to_physical(where_from(v, shape));
    auto p_new = after.image.geometry.index_to_physical(where_from(k, new_shape));
    for (int i = 0; i < before.image.dims(); ++i) EXPECT_NEAR(p_new[i], p_old[i], 1e-9);
  }
}

}  // namespace

TEST(RandSpatialCrop, KeepsPhysicalPositions2DAnd3D) {
  for (auto shape : std::vector<std::vector<int64_t>>{{20, 30}, {9, 10, 12}}) {
    Sample s = index_sample(shape);
    RandSpatialCrop crop(Params{{"roi_size", shape.size() == 2 ? std::vector<int64_t>{8, 11}
                                                           : std::vector<int64_t>{4, 5, 6}}});
    for (uint64_t seed = 0; seed < 5; ++seed) {
      Sample t = s;
      Rng rng(seed);
      crop.apply(t, rng);
      expect_content_in_place(s, t);
    }
  }
}

TEST(RandSpatialCrop, BoxIsClippedToTheCropOrDropped) {
  int kept = 0, dropped = 0, clipped = 0;
  for (uint64_t seed = 0; seed < 60; ++seed) {
    Sample s = test::object_sample({40, 50}, {10, 12}, {22, 30});
    RandSpatialCrop crop(Params{{"roi_size", {16, 16}}});
    Rng rng(seed);
    crop.apply(s, rng);
    ASSERT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{16, 16}));
    Box m = test::mask_bbox(s.mask->data);
    if (m.dims == 0) {
      EXPECT_TRUE(s.boxes.empty()) << "seed " << seed;
      ++dropped;
      continue;
    }
    ASSERT_EQ(s.boxes.size(), 1u) << "seed " << seed;
    ++kept;
    for (int j = 0; j < 2; ++j) {
      EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]) << "seed " << seed;
      EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]) << "seed " << seed;
    }
    clipped += s.boxes[0].volume() < 12 * 18;
  }
  EXPECT_GT(kept, 0);
  EXPECT_GT(dropped, 0);
  EXPECT_GT(clipped, 0);
}

TEST(RandSpatialCrop, SameRngSameCropAndPositionsVary) {
  Sample s = index_sample({30, 30});
  RandSpatialCrop crop(Params{{"roi_size", 10}});
  Sample a = s, b = s, c = s;
  Rng r1(4), r2(4), r3(5);
  crop.apply(a, r1);
  crop.apply(b, r2);
  crop.apply(c, r3);
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data));
  EXPECT_FALSE(torch::equal(a.image.data, c.image.data));
}

TEST(RandSpatialCrop, RoiLargerThanImageKeepsTheAxis) {
  Sample s = index_sample({6, 30});
  RandSpatialCrop crop(Params{{"roi_size", {10, 10}}});
  Rng rng(0);
  crop.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{6, 10}));
}

TEST(CenterSpatialCrop, CropsTheMiddleAndKeepsPositions) {
  Sample s = index_sample({11, 20});
  Sample t = s;
  CenterSpatialCrop crop(Params{{"roi_size", {5, 8}}});
  Rng rng(0);
  crop.apply(t, rng);
  EXPECT_EQ(t.image.spatial_shape(), (std::vector<int64_t>{5, 8}));
  // MONAI rule: start = size / 2 - roi / 2 -> (11/2 - 5/2, 20/2 - 8/2) = (3, 6)
  EXPECT_EQ(static_cast<int64_t>(t.image.data[0][0][0].item<double>()), 3 * 20 + 6);
  expect_content_in_place(s, t);
}

TEST(SpatialPad, PadsToSizeKeepsPositionsAndMovesBoxes) {
  Sample s = index_sample({7, 9, 10});
  s.image.data = s.image.data + 1;  // 0 is the pad value
  Sample obj = test::object_sample({7, 9, 10}, {1, 2, 3}, {4, 6, 8});
  s.mask = obj.mask;
  s.mask->geometry = s.image.geometry;
  s.boxes = obj.boxes;
  Sample t = s;
  SpatialPad pad(Params{{"spatial_size", {9, 9, 15}}});
  Rng rng(0);
  pad.apply(t, rng);
  EXPECT_EQ(t.image.spatial_shape(), (std::vector<int64_t>{9, 9, 15}));
  EXPECT_EQ(t.mask->spatial_shape(), (std::vector<int64_t>{9, 9, 15}));
  // symmetric: 1 before on z (2 extra), 2 before on x (5 extra)
  EXPECT_EQ(t.image.data[0][0].sum().item<double>(), 0.0);
  EXPECT_EQ(t.image.data[0][1][0][2].item<double>(), 1.0);
  Box m = test::mask_bbox(t.mask->data);
  for (int j = 0; j < 3; ++j) {
    EXPECT_DOUBLE_EQ(t.boxes[0].lo[j], m.lo[j]);
    EXPECT_DOUBLE_EQ(t.boxes[0].hi[j], m.hi[j]);
  }
  // Physical position of original pixel (x=0, y=0, z=0) = new (2, 0, 1).
  auto p_old = s.image.geometry.index_to_physical({0, 0, 0});
  auto p_new = t.image.geometry.index_to_physical({2, 0, 1});
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(p_new[i], p_old[i], 1e-9);
  // Crop back with CenterSpatialCrop gives the original (MONAI's two rules
  // agree here: start = new / 2 - old / 2 = before on every axis).
  CenterSpatialCrop back(Params{{"roi_size", {7, 9, 10}}});
  back.apply(t, rng);
  EXPECT_TRUE(torch::equal(t.image.data, s.image.data));
  EXPECT_TRUE(t.image.geometry.same_as(s.image.geometry, 1e-9));
}

TEST(SpatialPad, EndMethodAndValue) {
  Sample s = index_sample({3, 4});
  SpatialPad pad(Params{{"spatial_size", {5, 4}}, {"method", "end"}, {"value", -1.0}});
  Rng rng(0);
  Sample t = s;
  pad.apply(t, rng);
  EXPECT_TRUE(t.image.geometry.same_as(s.image.geometry, 1e-12));
  EXPECT_EQ(t.image.data[0][4][0].item<double>(), -1.0);
  EXPECT_EQ(t.image.data[0][0][1].item<double>(), 1.0);
  EXPECT_THROW(SpatialPad(Params{{"spatial_size", 4}, {"mode", "reflect"}}), ConfigError);
}
