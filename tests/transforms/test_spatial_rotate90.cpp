// RandRotate90: four quarter turns are the identity, one turn is torch's
// rot90 with boxes following the object and pixels keeping their physical
// position, probability, parameter errors.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/transforms/spatial/rand_rotate90.h"
#include "medcnn/transforms/spatial/spatial_ops.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;

TEST(RandRotate90, FourQuarterTurnsAreTheIdentity) {
  for (auto shape : std::vector<std::vector<int64_t>>{{13, 17}, {6, 9, 11}}) {
    std::vector<int64_t> lo(shape.size(), 1), hi(shape.size(), 4);
    hi[0] = 5;
    Sample s = test::object_sample(shape, lo, hi);
    s.image.geometry.spacing = {0.5, 2.0, 3.0};
    s.image.geometry.origin = {10, -4, 7};
    s.mask->geometry = s.image.geometry;
    Sample t = s;
    for (int i = 0; i < 4; ++i) {
      spatial_ops::rot90(t, 1, 0, 1);
      if (i < 3) EXPECT_FALSE(t.image.data.sizes() == s.image.data.sizes() &&
                              torch::equal(t.image.data, s.image.data));
    }
    EXPECT_TRUE(torch::equal(t.image.data, s.image.data));
    EXPECT_TRUE(torch::equal(t.mask->data, s.mask->data));
    EXPECT_TRUE(t.image.geometry.same_as(s.image.geometry, 1e-9));
    for (int j = 0; j < s.boxes[0].dims; ++j) {
      EXPECT_DOUBLE_EQ(t.boxes[0].lo[j], s.boxes[0].lo[j]);
      EXPECT_DOUBLE_EQ(t.boxes[0].hi[j], s.boxes[0].hi[j]);
    }
  }
}

TEST(RandRotate90, OneTurnIsTorchRot90WithBoxesAndPhysicalPositions) {
  for (int64_t k = 1; k <= 3; ++k) {
    Sample s = test::object_sample({8, 10, 12}, {1, 2, 3}, {4, 5, 9});
    s.image.geometry.spacing = {0.7, 1.3, 2.0};
    s.image.geometry.origin = {5, -3, 1};
    s.mask->geometry = s.image.geometry;
    Sample t = s;
    RandRotate90 r(Params{{"prob", 1.0}, {"max_k", 3}, {"spatial_axes", {1, 2}}});
    // Find a seed that draws this k (k is uniform in 1..3).
    Rng probe(0);
    uint64_t seed = 0;
    for (;; ++seed) {
      Rng q(seed);
      q.bernoulli(1.0);
      if (q.randint(1, 3) == k) break;
    }
    Rng rng(seed);
    r.apply(t, rng);
    EXPECT_TRUE(torch::equal(t.image.data, torch::rot90(s.image.data, k, {2, 3})));
    Box m = test::mask_bbox(t.mask->data);
    for (int j = 0; j < 3; ++j) {
      EXPECT_DOUBLE_EQ(t.boxes[0].lo[j], m.lo[j]) << "k " << k << " axis " << j;
      EXPECT_DOUBLE_EQ(t.boxes[0].hi[j], m.hi[j]) << "k " << k << " axis " << j;
    }
    // A marked voxel keeps its physical position.
    at::Tensor marker = torch::zeros_like(s.image.data);
    marker[0][2][3][7] = 1;
    Sample ms = s;
    ms.image = s.image.with_data(marker);
    Rng rng2(seed);
    r.apply(ms, rng2);
    at::Tensor nz = torch::nonzero(ms.image.data[0]);
    ASSERT_EQ(nz.size(0), 1);
    auto p_old = s.image.geometry.index_to_physical({7, 3, 2});
    auto p_new = ms.image.geometry.index_to_physical(
        {static_cast<double>(nz[0][2].item<int64_t>()), static_cast<double>(nz[0][1].item<int64_t>()),
         static_cast<double>(nz[0][0].item<int64_t>())});
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(p_new[i], p_old[i], 1e-9) << "k " << k;
  }
}

TEST(RandRotate90, ProbabilityAndErrors) {
  Sample s = test::object_sample({4, 6}, {0, 0}, {1, 1});
  RandRotate90 never(Params{{"prob", 0.0}});
  Rng rng(0);
  Sample t = s;
  never.apply(t, rng);
  EXPECT_TRUE(torch::equal(t.image.data, s.image.data));
  EXPECT_THROW(RandRotate90(Params{{"k", 1}}), ConfigError);
  EXPECT_THROW(RandRotate90(Params{{"max_k", 0}}), ConfigError);
  EXPECT_THROW(RandRotate90(Params{{"spatial_axes", {0}}}), ConfigError);
  RandRotate90 bad(Params{{"prob", 1.0}, {"spatial_axes", {0, 2}}});
  EXPECT_THROW(bad.apply(t, rng), ConfigError);  // 2-D image has no axis 2
}
