#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/rng.h"
#include "test_support.h"

using namespace medcnn;

TEST(Image, SizeIsXYZOrderOfTensorAxesReversed) {
  Image im = Image::from_tensor(torch::zeros({1, 4, 5, 6}), 3);  // [C, D, H, W]
  auto s = im.size();
  EXPECT_EQ(s[0], 6);  // x = W
  EXPECT_EQ(s[1], 5);  // y = H
  EXPECT_EQ(s[2], 4);  // z = D
  EXPECT_EQ(im.num_pixels(), 120);
}

TEST(Image, IndexToPhysicalAppliesSpacingDirectionOrigin) {
  Geometry g = Geometry::identity(2);
  g.spacing = {0.5, 2.0, 1.0};
  g.origin = {10, 20, 0};
  // 90-degree rotation: x axis points along physical y, y axis along -x.
  g.direction = {0, -1, 0, 1, 0, 0, 0, 0, 1};  // row-major 3x3
  auto p = g.index_to_physical({2, 3, 0});
  // physical = origin + D * (spacing .* index) = (10,20) + [[0,-1],[1,0]] (1,6)
  EXPECT_DOUBLE_EQ(p[0], 10 - 6);
  EXPECT_DOUBLE_EQ(p[1], 20 + 1);
}

TEST(Image, PairingMaskOfOtherSizeOrSpacingIsAnError) {
  Image im = Image::from_tensor(torch::zeros({1, 8, 8}), 2);
  Image same = Image::from_tensor(torch::zeros({1, 8, 8}, torch::kLong), 2);
  EXPECT_NO_THROW(check_same_grid(im, same, "case1"));
  Image small = Image::from_tensor(torch::zeros({1, 8, 7}, torch::kLong), 2);
  try {
    check_same_grid(im, small, "case1.png");
    FAIL() << "expected GeometryError";
  } catch (const GeometryError& e) {
    EXPECT_NE(std::string(e.what()).find("case1.png"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("size"), std::string::npos);
  }
  Image spaced = same;
  spaced.geometry.spacing[1] = 2.0;
  EXPECT_THROW(check_same_grid(im, spaced, "x"), GeometryError);
  Image turned = same;
  turned.geometry.direction = {0, 1, 0, 1, 0, 0, 0, 0, 1};
  EXPECT_THROW(check_same_grid(im, turned, "x"), GeometryError);
}

TEST(Image, StorageDtypeHoldsUnsignedTypesWithoutLoss) {
  EXPECT_EQ(storage_dtype(PixelType::UInt16), torch::kInt);
  EXPECT_EQ(storage_dtype(PixelType::UInt32), torch::kLong);
  EXPECT_EQ(pixel_type_from_name("int16"), PixelType::Int16);
  EXPECT_THROW(pixel_type_from_name("complex"), ConfigError);
}

TEST(Rng, DerivedStreamsAreReproducibleAndDistinct) {
  Rng a = Rng::derive(7, {1, 2}), b = Rng::derive(7, {1, 2}), c = Rng::derive(7, {2, 1});
  uint64_t x = a.next(), y = b.next(), z = c.next();
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
}
