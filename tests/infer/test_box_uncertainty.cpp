// Box uncertainty (infer/box_uncertainty.h): flips undone, localization
// samples averaged, detection samples fused; every number worked by hand
// in the comments.
#include <gtest/gtest.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/infer/box_uncertainty.h"
#include "test_boxes.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;
using mt::box2;

namespace {

double h(std::vector<double> p) {  // entropy, natural log
  double v = 0;
  for (double q : p)
    if (q > 0) v -= q * std::log(q);
  return v;
}
double hb(double p) { return h({p, 1 - p}); }

TEST(BoxUncertainty, FlipsAreUndoneAlongTheRightAxis) {
  // Image 10 rows (y) x 20 columns (x); box x [2, 5), y [1, 3).
  const std::vector<int64_t> size{10, 20};
  const Box b = box2(2, 1, 5, 3);
  Box x = flip_boxes({b}, {1}, size)[0];  // spatial axis 1 = x: 20 - 5 = 15, 20 - 2 = 18
  EXPECT_DOUBLE_EQ(x.lo[0], 15);
  EXPECT_DOUBLE_EQ(x.hi[0], 18);
  EXPECT_DOUBLE_EQ(x.lo[1], 1);
  Box y = flip_boxes({b}, {0}, size)[0];  // axis 0 = y: 10 - 3 = 7, 10 - 1 = 9
  EXPECT_DOUBLE_EQ(y.lo[1], 7);
  EXPECT_DOUBLE_EQ(y.hi[1], 9);
  EXPECT_DOUBLE_EQ(y.lo[0], 2);
  Box back = flip_boxes(flip_boxes({b}, {0, 1}, size), {1, 0}, size)[0];
  for (int a = 0; a < 2; ++a) {
    EXPECT_DOUBLE_EQ(back.lo[a], b.lo[a]);
    EXPECT_DOUBLE_EQ(back.hi[a], b.hi[a]);
  }
  // 3-D: spatial axis 0 is z (box axis 2).
  Box c;
  c.dims = 3;
  c.lo = {1, 2, 3};
  c.hi = {4, 5, 6};
  Box z = flip_boxes({c}, {0}, {8, 9, 10})[0];
  EXPECT_DOUBLE_EQ(z.lo[2], 2);
  EXPECT_DOUBLE_EQ(z.hi[2], 5);
  EXPECT_DOUBLE_EQ(z.lo[0], 1);
  mt::expect_error<DataError>([&] { flip_boxes({b}, {2}, size); });
}

TEST(BoxUncertainty, LocalizationSamplesAreAveraged) {
  // Boxes x [0, 10) and [2, 12), y [0, 10); probabilities (.8, .2) and (.6, .4).
  FusedBox f = fuse_localizations({box2(0, 0, 10, 10), box2(2, 0, 12, 10)}, {{0.8, 0.2}, {0.6, 0.4}});
  EXPECT_DOUBLE_EQ(f.box.lo[0], 1);
  EXPECT_DOUBLE_EQ(f.box.hi[0], 11);
  EXPECT_EQ(f.box.label, 0);
  EXPECT_NEAR(f.box.score, 0.7, 1e-7);
  EXPECT_NEAR(f.probabilities[1], 0.3, 1e-12);
  EXPECT_NEAR(f.uncertainty.entropy, h({0.7, 0.3}), 1e-12);
  EXPECT_NEAR(f.uncertainty.mutual_information,
              h({0.7, 0.3}) - (h({0.8, 0.2}) + h({0.6, 0.4})) / 2, 1e-12);
  EXPECT_NEAR(f.uncertainty.variance, 0.01, 1e-12);  // each class: {.8, .6} -> 0.01
  // x edges vary by 1 (variance 1 each), y edges not: sqrt((1 + 1 + 0 + 0) / 4).
  EXPECT_NEAR(f.uncertainty.box_sd, std::sqrt(0.5), 1e-12);
  EXPECT_DOUBLE_EQ(f.uncertainty.disagreement, 0);
  // One sample: its own box, no spread.
  FusedBox one = fuse_localizations({box2(0, 0, 10, 10)}, {{0.3, 0.7}});
  EXPECT_EQ(one.box.label, 1);
  EXPECT_DOUBLE_EQ(one.uncertainty.box_sd, 0);
  EXPECT_DOUBLE_EQ(one.uncertainty.mutual_information, 0);
  mt::expect_error<DataError>([&] { fuse_localizations({box2(0, 0, 1, 1)}, {}); });
}

TEST(BoxUncertainty, DetectionSamplesAreFusedWithTheirAgreement) {
  // Sample 0: A (.9) and B (.6, elsewhere); sample 1: A' (.7, x + 1);
  // sample 2: A'' (.8, y + 1) and C (.5, A's place but class 1).
  const std::vector<std::vector<Box>> samples{
      {box2(0, 0, 10, 10, 0, 0.9f), box2(50, 50, 60, 60, 0, 0.6f)},
      {box2(1, 0, 11, 10, 0, 0.7f)},
      {box2(0, 1, 10, 11, 0, 0.8f), box2(0, 0, 10, 10, 1, 0.5f)}};
  std::vector<FusedBox> f = fuse_detections(samples, 0.5);
  ASSERT_EQ(f.size(), 3u);
  // A, A'', A' (IoU 90/110 with A): weights .9, .8, .7 (sum 2.4).
  const double w = 2.4;
  EXPECT_NEAR(f[0].box.lo[0], 0.7 / w, 1e-6);
  EXPECT_NEAR(f[0].box.hi[0], (9 + 8 + 7.7) / w, 1e-6);
  EXPECT_NEAR(f[0].box.lo[1], 0.8 / w, 1e-6);
  EXPECT_NEAR(f[0].box.hi[1], (9 + 8.8 + 7) / w, 1e-6);
  EXPECT_NEAR(f[0].box.score, 0.8, 1e-6);
  EXPECT_NEAR(f[0].uncertainty.disagreement, 0, 1e-12);
  EXPECT_NEAR(f[0].uncertainty.entropy, hb(0.8), 1e-6);
  EXPECT_NEAR(f[0].uncertainty.mutual_information, hb(0.8) - (hb(0.9) + hb(0.7) + hb(0.8)) / 3,
              1e-6);
  EXPECT_NEAR(f[0].uncertainty.variance, 0.02 / 3, 1e-7);
  EXPECT_NEAR(f[0].uncertainty.box_sd, std::sqrt(2.0 / 9), 1e-6);  // each edge {0, 0, 1}
  // B: seen by one of three samples: score .2, scores {.6, 0, 0}.
  EXPECT_NEAR(f[1].box.score, 0.2, 1e-6);
  EXPECT_DOUBLE_EQ(f[1].box.lo[0], 50);
  EXPECT_NEAR(f[1].uncertainty.disagreement, 2.0 / 3, 1e-12);
  EXPECT_NEAR(f[1].uncertainty.mutual_information, hb(0.2) - hb(0.6) / 3, 1e-6);
  EXPECT_NEAR(f[1].uncertainty.variance, (0.16 + 0.04 + 0.04) / 3, 1e-7);
  EXPECT_DOUBLE_EQ(f[1].uncertainty.box_sd, 0);
  // C keeps its own class.
  EXPECT_EQ(f[2].box.label, 1);
  EXPECT_NEAR(f[2].box.score, 0.5 / 3, 1e-6);
}

TEST(BoxUncertainty, ASampleJoinsAClusterOnceAndOneSampleIsUnchanged) {
  // Sample 0 holds two boxes at one place (A .9, D .85); sample 1 one (E .8):
  // E ties A and D (IoU 1) and joins the higher-scored A; D stays alone.
  std::vector<FusedBox> f = fuse_detections(
      {{box2(0, 0, 10, 10, 0, 0.9f), box2(0, 0, 10, 10, 0, 0.85f)}, {box2(0, 0, 10, 10, 0, 0.8f)}},
      0.5);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_NEAR(f[0].box.score, 0.85, 1e-6);
  EXPECT_NEAR(f[1].box.score, 0.425, 1e-6);
  EXPECT_DOUBLE_EQ(f[1].uncertainty.disagreement, 0.5);
  // One sample: the boxes as they were.
  const std::vector<Box> single{box2(3, 4, 9, 12, 1, 0.7f), box2(20, 20, 25, 30, 0, 0.4f)};
  std::vector<FusedBox> s = fuse_detections({single}, 0.5);
  ASSERT_EQ(s.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(s[i].box.score, single[i].score);
    EXPECT_EQ(s[i].box.label, single[i].label);
    for (int a = 0; a < 2; ++a) {
      EXPECT_EQ(s[i].box.lo[a], single[i].lo[a]);
      EXPECT_EQ(s[i].box.hi[a], single[i].hi[a]);
    }
    EXPECT_EQ(s[i].uncertainty.disagreement, 0);
  }
  EXPECT_EQ(fuse_detections({{}, {}}, 0.5).size(), 0u);
  mt::expect_error<DataError>([&] { fuse_detections({}, 0.5); });
}

}  // namespace
