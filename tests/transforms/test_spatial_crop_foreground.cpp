// CropForeground and ResizeWithPadOrCrop: boxes computed by hand, margin and
// k_divisible (with padding), mask source, physical positions, errors.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/crop_pad/crop_foreground.h"
#include "medcnn/transforms/crop_pad/resize_with_pad_or_crop.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using torch::indexing::Slice;

TEST(CropForeground, CropsToTheForegroundWithMargin) {
  Sample s = test::object_sample({40, 50}, {12, 20}, {18, 31});
  s.image.data.zero_();
  s.image.data.index_put_({0, Slice(10, 20), Slice(15, 35)}, 5.0f);
  s.image.geometry.origin = {7, -2, 0};
  s.mask->geometry = s.image.geometry;
  const Geometry g0 = s.image.geometry;
  CropForeground c(Params{{"margin", 2}});
  Rng rng(0);
  c.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{14, 24}));
  // Pixel (x=0, y=0) is old (x=13, y=8).
  auto p = s.image.geometry.index_to_physical({0, 0, 0});
  auto q = g0.index_to_physical({13, 8, 0});
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(p[i], q[i], 1e-12);
  EXPECT_EQ(s.image.data.sum().item<float>(), 5.0f * 200);
  Box m = test::mask_bbox(s.mask->data);
  for (int j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]);
    EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]);
  }
}

TEST(CropForeground, KDivisiblePadsBeyondTheImageAndThreshold) {
  Sample s = test::object_sample({20, 30}, {0, 0}, {3, 3});
  s.image.data.fill_(0.1f);
  s.image.data.index_put_({0, Slice(0, 5), Slice(1, 8)}, 1.0f);
  CropForeground c(Params{{"threshold", 0.5}, {"k_divisible", {8, 4}}});
  auto [start, end] = c.box(s);
  // fg rows [0, 5) -> 8: start = 0 - 1 = -1; cols [1, 8) -> 8: start = 1 - 0.
  EXPECT_EQ(start, (std::vector<int64_t>{-1, 1}));
  EXPECT_EQ(end, (std::vector<int64_t>{7, 9}));
  Rng rng(0);
  c.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(s.image.data[0][0][3].item<float>(), 0.0f);  // padded row
  EXPECT_EQ(s.image.data[0][1][0].item<float>(), 1.0f);
  EXPECT_EQ(s.mask->data[0][1][0].item<uint8_t>(), 1);
  Box m = test::mask_bbox(s.mask->data);
  for (int j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]);
    EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]);
  }
}

TEST(CropForeground, MaskSourceIn3DAndNoForeground) {
  Sample s = test::object_sample({10, 12, 14}, {2, 3, 4}, {5, 7, 9});
  CropForeground c(Params{{"source", "mask"}});
  Rng rng(0);
  c.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(s.mask->data.min().item<uint8_t>(), 1);
  Sample e = test::object_sample({6, 6}, {0, 0}, {1, 1});
  e.image.data.zero_();
  const auto shape = e.image.spatial_shape();
  CropForeground(Params{}).apply(e, rng);
  EXPECT_EQ(e.image.spatial_shape(), shape);
}

TEST(CropForeground, BadParametersAreConfigErrors) {
  EXPECT_THROW(CropForeground(Params{{"source", "label"}}), ConfigError);
  EXPECT_THROW(CropForeground(Params{{"margin", -1}}), ConfigError);
  EXPECT_THROW(CropForeground(Params{{"k_divisible", 0}}), ConfigError);
  EXPECT_THROW(CropForeground(Params{{"select_fn", "x>0"}}), ConfigError);
  Sample s = test::object_sample({6, 6}, {0, 0}, {1, 1});
  s.mask.reset();
  Rng rng(0);
  EXPECT_THROW(CropForeground(Params{{"source", "mask"}}).apply(s, rng), ConfigError);
}

TEST(ResizeWithPadOrCrop, PadsAndCropsCentred) {
  Sample s = test::object_sample({10, 30}, {2, 12}, {6, 18});
  s.image.geometry.origin = {1, 2, 0};
  s.mask->geometry = s.image.geometry;
  const Geometry g0 = s.image.geometry;
  const at::Tensor img0 = s.image.data.clone();
  ResizeWithPadOrCrop r(Params{{"spatial_size", {15, 20}}});
  Rng rng(0);
  r.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{15, 20}));
  // Rows: padded 2 before, 3 after. Columns: crop start 30/2 - 20/2 = 5.
  EXPECT_TRUE(torch::equal(s.image.data.index({0, Slice(2, 12)}), img0.index({0, Slice(), Slice(5, 25)})));
  EXPECT_EQ(s.image.data.index({0, Slice(0, 2)}).abs().sum().item<float>(), 0.0f);
  auto p = s.image.geometry.index_to_physical({0, 2, 0});
  auto q = g0.index_to_physical({5, 0, 0});
  for (int i = 0; i < 2; ++i) EXPECT_NEAR(p[i], q[i], 1e-12);
  Box m = test::mask_bbox(s.mask->data);
  for (int j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], m.lo[j]);
    EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], m.hi[j]);
  }
  EXPECT_THROW(ResizeWithPadOrCrop(Params{{"size", 3}}), ConfigError);
  EXPECT_THROW(ResizeWithPadOrCrop(Params{}), ConfigError);
}
