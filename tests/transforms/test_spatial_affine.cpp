// RandAffine: identity parameters are the identity, the resampling matches
// scipy.ndimage.affine_transform with the matrix draw() reports, a rotated
// disk keeps its area, boxes follow the object, nearest keeps the label set,
// seeded determinism, parameter errors.
#include <torch/torch.h>

#include <cmath>
#include <fstream>
#include <set>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/rand_affine.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using medcnn::test::labels_of;

namespace {

// Runs the scipy oracle on a [spatial...] image with a backward matrix.
std::vector<double> scipy_affine(const at::Tensor& img, const spatial_ops::Matrix& B) {
  const int d = static_cast<int>(img.dim());
  test::TempDir tmp;
  at::Tensor flat = img.to(torch::kDouble).contiguous().reshape({-1});
  nlohmann::json spec;
  spec["shape"] = img.sizes().vec();
  spec["data"] = std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  nlohmann::json m = nlohmann::json::array();
  for (int r = 0; r <= d; ++r) {
    std::vector<double> row(B.begin() + r * (d + 1), B.begin() + (r + 1) * (d + 1));
    m.push_back(row);
  }
  spec["matrix"] = m;
  {
    std::ofstream f(tmp.file("in.json"));
    f << spec.dump();
  }
  auto out = test::run_oracle("transforms_spatial_affine.py", {tmp.file("in.json")});
  if (out.is_null()) return {};
  return out["data"].get<std::vector<double>>();
}

// Largest difference over output pixels whose input position lies at least
// one pixel inside the image (scipy and grid_sample differ at the border).
double interior_max_diff(const at::Tensor& got, const std::vector<double>& expect,
                         const spatial_ops::Matrix& B, const std::vector<int64_t>& shape) {
  const int d = static_cast<int>(shape.size());
  at::Tensor field = spatial_ops::affine_field(B, shape, got).reshape({d, -1});
  at::Tensor inside = torch::ones({field.size(1)}, torch::kBool);
  for (int a = 0; a < d; ++a)
    inside = inside & (field[a] >= 1.0) & (field[a] <= static_cast<double>(shape[a] - 2));
  at::Tensor e = torch::tensor(expect, torch::kDouble);
  at::Tensor diff = (got.to(torch::kDouble).reshape({-1}) - e).abs().masked_select(inside);
  EXPECT_GT(diff.numel(), got.numel() / 4) << "too few interior pixels to compare";
  return diff.numel() ? diff.max().item<double>() : 0.0;
}

Params rand_params() {
  return Params{{"prob", 1.0},
                {"rotate_range", 0.6},
                {"shear_range", 0.1},
                {"scale_range", {0.8, 1.25}},
                {"translate_range", 4}};
}

}  // namespace

TEST(RandAffine, IdentityParametersAreTheIdentity) {
  for (auto shape : std::vector<std::vector<int64_t>>{{23, 31}, {9, 12, 14}}) {
    std::vector<int64_t> lo(shape.size(), 2), hi(shape.size(), 7);
    Sample s = test::object_sample(shape, lo, hi, 3);
    Sample t = s;
    RandAffine aff(Params{{"prob", 1.0}});
    Rng rng(5);
    aff.apply(t, rng);
    EXPECT_LT((t.image.data - s.image.data).abs().max().item<float>(), 1e-5f);
    EXPECT_TRUE(torch::equal(t.mask->data, s.mask->data));
    ASSERT_EQ(t.boxes.size(), 1u);
    for (int j = 0; j < t.boxes[0].dims; ++j) {
      EXPECT_NEAR(t.boxes[0].lo[j], s.boxes[0].lo[j], 1e-9);
      EXPECT_NEAR(t.boxes[0].hi[j], s.boxes[0].hi[j], 1e-9);
    }
    EXPECT_TRUE(t.image.geometry.same_as(s.image.geometry, 1e-12));
  }
}

TEST(RandAffine, MatchesScipyAffineTransformWithTheReportedMatrix) {
  for (auto shape : std::vector<std::vector<int64_t>>{{40, 52}, {10, 14, 18}}) {
    std::vector<int64_t> full{1};
    full.insert(full.end(), shape.begin(), shape.end());
    auto gen = at::detail::createCPUGenerator(11);
    Sample s;
    s.image = Image::from_tensor(torch::rand(full, gen), static_cast<int>(shape.size()));
    RandAffine aff(rand_params());
    for (uint64_t seed : {1u, 2u}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " dims " + std::to_string(shape.size()));
      Rng r1(seed), r2(seed);
      AffineDraw d = aff.draw(shape, r1);
      ASSERT_TRUE(d.applied);
      Sample t = s;
      aff.apply(t, r2);
      // The draw is not the identity (the test must be able to fail).
      EXPECT_GT((t.image.data - s.image.data).abs().max().item<float>(), 0.1f);
      auto expect = scipy_affine(s.image.data[0], d.backward);
      ASSERT_EQ(static_cast<int64_t>(expect.size()), t.image.data.numel());
      EXPECT_LT(interior_max_diff(t.image.data, expect, d.backward, shape), 1e-4);
    }
  }
}

TEST(RandAffine, PureRotationKeepsTheAreaOfACentredDisk) {
  const int64_t n = 101;
  at::Tensor yy = torch::arange(n).view({n, 1}).to(torch::kDouble) - 50.0;
  at::Tensor xx = torch::arange(n).view({1, n}).to(torch::kDouble) - 50.0;
  at::Tensor disk = ((yy * yy + xx * xx) <= 30.0 * 30.0).to(torch::kUInt8).unsqueeze(0);
  const double area = disk.sum().item<double>();
  for (double angle : {0.3, 0.785, 1.2, -2.5}) {
    Sample s;
    s.image = Image::from_tensor(disk.to(torch::kFloat), 2);
    s.mask = Image(disk.clone(), s.image.geometry, PixelType::UInt8);
    RandAffine aff(Params{{"prob", 1.0}, {"rotate_range", std::vector<std::vector<double>>{{angle, angle}}}});
    Rng rng(0);
    aff.apply(s, rng);
    const double moved = s.mask->data.to(torch::kDouble).sum().item<double>();
    EXPECT_NEAR(moved / area, 1.0, 0.03) << "angle " << angle;
    const double soft = s.image.data.sum().item<double>();
    EXPECT_NEAR(soft / area, 1.0, 0.03) << "angle " << angle;
  }
}

TEST(RandAffine, BoxFollowsTheObject) {
  RandAffine aff(rand_params());
  for (uint64_t seed = 0; seed < 8; ++seed) {
    Sample s = test::object_sample({64, 80}, {20, 25}, {40, 50}, 1, seed);
    Rng rng(seed);
    aff.apply(s, rng);
    Box m = test::mask_bbox(s.mask->data);
    ASSERT_EQ(m.dims, 2);
    ASSERT_EQ(s.boxes.size(), 1u);
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(s.boxes[0].lo[j], m.lo[j], 2.0) << "seed " << seed << " axis " << j;
      EXPECT_NEAR(s.boxes[0].hi[j], m.hi[j], 2.0) << "seed " << seed << " axis " << j;
    }
  }
  // 3-D, 8 corners.
  RandAffine aff3(Params{{"prob", 1.0}, {"rotate_range", {0.3, 0.2, 0.4}}, {"translate_range", 2}});
  Sample v = test::object_sample({24, 28, 32}, {8, 9, 10}, {16, 19, 22});
  Rng rng(3);
  aff3.apply(v, rng);
  test::expect_box_follows_mask(v, 2.0);
}

TEST(RandAffine, BoxesPushedOutOfTheImageAreDropped) {
  Sample s = test::object_sample({30, 30}, {0, 0}, {5, 5});
  RandAffine aff(Params{{"prob", 1.0}, {"translate_range", std::vector<std::vector<double>>{{-20, -20}, {-20, -20}}}});
  Rng rng(0);
  aff.apply(s, rng);
  EXPECT_TRUE(s.boxes.empty());
}

TEST(RandAffine, NearestKeepsTheLabelSetAndDtype) {
  Sample s = test::object_sample({60, 60}, {5, 5}, {25, 25}, 1);
  using torch::indexing::Slice;
  s.mask->data.index_put_({0, Slice(30, 55), Slice(8, 30)}, 2);
  s.mask->data.index_put_({0, Slice(10, 40), Slice(35, 55)}, 7);
  RandAffine aff(rand_params());
  for (uint64_t seed = 0; seed < 4; ++seed) {
    Sample t = s;
    Rng rng(seed);
    aff.apply(t, rng);
    EXPECT_EQ(t.mask->data.scalar_type(), torch::kUInt8);
    EXPECT_EQ(labels_of(t.mask->data), (std::set<int64_t>{0, 1, 2, 7}));
  }
  // Nearest for the image keeps its pixel type too.
  Sample u = s;
  u.image = Image(s.mask->data.clone(), s.image.geometry, PixelType::UInt8);
  RandAffine near(Params{{"prob", 1.0}, {"rotate_range", 0.5}, {"mode", "nearest"}});
  Rng rng(1);
  near.apply(u, rng);
  EXPECT_EQ(u.image.pixel_type, PixelType::UInt8);
  EXPECT_TRUE(torch::equal(u.image.data, u.mask->data));
}

TEST(RandAffine, SeededDeterminismAndProbability) {
  RandAffine aff(rand_params());
  Sample s = test::object_sample({32, 32}, {5, 5}, {20, 20});
  Sample a = s, b = s, c = s;
  Rng r1(42), r2(42), r3(43);
  aff.apply(a, r1);
  aff.apply(b, r2);
  aff.apply(c, r3);
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data));
  EXPECT_TRUE(torch::equal(a.mask->data, b.mask->data));
  EXPECT_FALSE(torch::equal(a.image.data, c.image.data));
  Params p = rand_params();
  p["prob"] = 0.0;
  RandAffine never(p);
  Sample d = s;
  Rng r4(1);
  never.apply(d, r4);
  EXPECT_TRUE(torch::equal(d.image.data, s.image.data));
}

TEST(RandAffine, BorderPaddingRepeatsTheEdge) {
  Sample s;
  s.image = Image::from_tensor(torch::ones({1, 20, 20}), 2);
  RandAffine zeros(Params{{"prob", 1.0}, {"translate_range", std::vector<std::vector<double>>{{5, 5}, {0, 0}}}});
  RandAffine border(Params{{"prob", 1.0}, {"translate_range", std::vector<std::vector<double>>{{5, 5}, {0, 0}}},
                           {"padding_mode", "border"}});
  Sample a = s, b = s;
  Rng r1(0), r2(0);
  zeros.apply(a, r1);
  border.apply(b, r2);
  EXPECT_EQ(a.image.data[0][0][3].item<float>(), 0.f);  // moved down by 5: top rows empty
  EXPECT_EQ(a.image.data[0][10][3].item<float>(), 1.f);
  EXPECT_EQ(b.image.data.min().item<float>(), 1.f);
}

TEST(RandAffine, BadParametersAreConfigErrors) {
  EXPECT_THROW(RandAffine(Params{{"rotation", 0.1}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"prob", 2.0}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"mode", "cubic"}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"padding_mode", "wrap"}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"scale_range", {1.2, 0.8}}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"scale_range", {0.0, 1.0}}}), ConfigError);
  EXPECT_THROW(RandAffine(Params{{"rotate_range", "big"}}), ConfigError);
  // Wrong number of entries for the image: found when applied.
  RandAffine aff(Params{{"prob", 1.0}, {"rotate_range", {0.1, 0.2}}});
  Sample s = test::object_sample({8, 8}, {1, 1}, {3, 3});
  Rng rng(0);
  EXPECT_THROW(aff.apply(s, rng), ConfigError);
  EXPECT_NO_THROW(TransformRegistry::instance().create("RandAffine", rand_params()));
}
