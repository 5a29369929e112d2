// RandElastic: alpha = 0 is the identity, boxes follow the object, nearest
// keeps the label set, the field is smooth and of the expected size,
// composition with an affine part, seeded determinism, parameter errors.
#include <torch/torch.h>

#include <set>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/rand_elastic.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using medcnn::test::labels_of;

namespace {
Params elastic(double sigma, double alpha) {
  return Params{{"prob", 1.0}, {"sigma_range", {sigma, sigma}}, {"magnitude_range", {alpha, alpha}}};
}
}  // namespace

TEST(RandElastic, ZeroMagnitudeIsTheIdentity) {
  for (auto shape : std::vector<std::vector<int64_t>>{{30, 34}, {10, 12, 14}}) {
    std::vector<int64_t> lo(shape.size(), 2), hi(shape.size(), 8);
    Sample s = test::object_sample(shape, lo, hi, 4);
    Sample t = s;
    RandElastic e(elastic(3.0, 0.0));
    Rng rng(1);
    e.apply(t, rng);
    EXPECT_LT((t.image.data - s.image.data).abs().max().item<float>(), 1e-5f);
    EXPECT_TRUE(torch::equal(t.mask->data, s.mask->data));
    ASSERT_EQ(t.boxes.size(), 1u);
    for (int j = 0; j < t.boxes[0].dims; ++j) {
      EXPECT_DOUBLE_EQ(t.boxes[0].lo[j], s.boxes[0].lo[j]);
      EXPECT_DOUBLE_EQ(t.boxes[0].hi[j], s.boxes[0].hi[j]);
    }
  }
}

TEST(RandElastic, DisplacementIsSmoothAndScalesWithMagnitude) {
  const std::vector<int64_t> shape{64, 64};
  RandElastic e(elastic(6.0, 200.0));
  Rng rng(7);
  ElasticDraw d = e.draw(shape, rng);
  ASSERT_TRUE(d.applied);
  at::Tensor like = torch::zeros({1});
  at::Tensor f = RandElastic::field(d, shape, like);
  at::Tensor id = spatial_ops::affine_field(spatial_ops::identity_matrix(2), shape, like);
  at::Tensor disp = f - id;
  const double rms = disp.pow(2).mean().sqrt().item<double>();
  EXPECT_GT(rms, 0.5);  // really deformed
  EXPECT_LT(rms, 20.0);
  // Smooth: neighbouring displacements differ far less than the displacement.
  const double step = (disp.narrow(2, 1, 63) - disp.narrow(2, 0, 63)).abs().max().item<double>();
  EXPECT_LT(step, 0.25 * disp.abs().max().item<double>());
  // Twice the magnitude, same seed: twice the displacement.
  ElasticDraw d2 = d;
  d2.magnitude *= 2;
  at::Tensor disp2 = RandElastic::field(d2, shape, like) - id;
  EXPECT_TRUE(torch::allclose(disp2, 2 * disp, 1e-6, 1e-9));
}

TEST(RandElastic, BoxFollowsTheObject) {
  RandElastic e(elastic(5.0, 120.0));
  for (uint64_t seed = 0; seed < 6; ++seed) {
    Sample s = test::object_sample({64, 72}, {18, 20}, {40, 48}, 1, seed);
    Rng rng(seed);
    e.apply(s, rng);
    Box m = test::mask_bbox(s.mask->data);
    ASSERT_EQ(m.dims, 2);
    ASSERT_EQ(s.boxes.size(), 1u);
    for (int j = 0; j < 2; ++j) {
      EXPECT_NEAR(s.boxes[0].lo[j], m.lo[j], 1.5) << "seed " << seed << " axis " << j;
      EXPECT_NEAR(s.boxes[0].hi[j], m.hi[j], 1.5) << "seed " << seed << " axis " << j;
    }
  }
  // With an affine part and in 3-D.
  Params p = elastic(3.0, 40.0);
  p["rotate_range"] = 0.3;
  p["scale_range"] = {0.9, 1.1};
  RandElastic e3(p);
  Sample v = test::object_sample({20, 24, 28}, {6, 7, 8}, {14, 16, 20});
  Rng rng(2);
  e3.apply(v, rng);
  test::expect_box_follows_mask(v, 1.5);
}

TEST(RandElastic, NearestKeepsTheLabelSetAndImageFollowsMask) {
  Sample s = test::object_sample({60, 60}, {5, 5}, {25, 25}, 1);
  using torch::indexing::Slice;
  s.mask->data.index_put_({0, Slice(30, 55), Slice(8, 30)}, 2);
  s.mask->data.index_put_({0, Slice(10, 40), Slice(35, 55)}, 9);
  // The image is the label map itself: with nearest, image and mask move alike.
  s.image = Image(s.mask->data.clone(), s.image.geometry, PixelType::UInt8);
  Params p = elastic(4.0, 80.0);
  p["mode"] = "nearest";
  RandElastic e(p);
  Rng rng(3);
  e.apply(s, rng);
  EXPECT_EQ(s.mask->data.scalar_type(), torch::kUInt8);
  EXPECT_EQ(labels_of(s.mask->data), (std::set<int64_t>{0, 1, 2, 9}));
  EXPECT_TRUE(torch::equal(s.image.data, s.mask->data));
}

TEST(RandElastic, SeededDeterminism) {
  RandElastic e(elastic(4.0, 60.0));
  Sample s = test::object_sample({32, 40}, {5, 5}, {20, 20});
  Sample a = s, b = s, c = s;
  Rng r1(9), r2(9), r3(10);
  e.apply(a, r1);
  e.apply(b, r2);
  e.apply(c, r3);
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data));
  EXPECT_TRUE(torch::equal(a.mask->data, b.mask->data));
  EXPECT_FALSE(torch::equal(a.image.data, c.image.data));
}

TEST(RandElastic, BadParametersAreConfigErrors) {
  EXPECT_THROW(RandElastic(Params{{"magnitude_range", {0, 1}}}), ConfigError);  // sigma missing
  EXPECT_THROW(RandElastic(Params{{"sigma_range", {1, 2}}}), ConfigError);      // magnitude missing
  Params p = elastic(3.0, 1.0);
  p["alpha"] = 3;
  EXPECT_THROW(RandElastic{p}, ConfigError);
  EXPECT_THROW(RandElastic(Params{{"sigma_range", {0, 2}}, {"magnitude_range", {0, 1}}}), ConfigError);
  EXPECT_THROW(RandElastic(Params{{"sigma_range", {3, 2}}, {"magnitude_range", {0, 1}}}), ConfigError);
  EXPECT_NO_THROW(TransformRegistry::instance().create("RandElastic", elastic(3.0, 1.0)));
}
