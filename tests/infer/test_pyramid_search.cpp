// Pyramid-of-scales window search: window enumeration and clipping counted
// by hand, crop + resize worked by hand, the search with a hand-written
// scorer whose best window is known (a bright square found at two very
// different sizes, where one scale alone fails), score-weighted refinement
// worked by hand, options round trip and bad options.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/data/window_dataset.h"
#include "medcnn/infer/pyramid_search.h"
#include "test_support.h"

namespace mt = medcnn::test;
using medcnn::Box;
using medcnn::PyramidOptions;

namespace {

Box make_box(double x0, double y0, double x1, double y1) {
  Box b;
  b.lo = {x0, y0, 0};
  b.hi = {x1, y1, 0};
  return b;
}

// IoU computed here, independently of the library.
double iou2d(const Box& a, const Box& b) {
  const double iw = std::max(0.0, std::min(a.hi[0], b.hi[0]) - std::max(a.lo[0], b.lo[0]));
  const double ih = std::max(0.0, std::min(a.hi[1], b.hi[1]) - std::max(a.lo[1], b.lo[1]));
  const double inter = iw * ih;
  return inter / ((a.hi[0] - a.lo[0]) * (a.hi[1] - a.lo[1]) +
                  (b.hi[0] - b.lo[0]) * (b.hi[1] - b.lo[1]) - inter);
}

// A 96 x 128 (H x W) image, 0 except a bright square [x0, x0+side) x [y0, y0+side).
at::Tensor square_image(int64_t x0, int64_t y0, int64_t side) {
  at::Tensor img = torch::zeros({1, 96, 128});
  img.narrow(1, y0, side).narrow(2, x0, side).fill_(1.0);
  return img;
}

// p(object) = (share of the square inside the window) x (share of the window
// that is bright) = |W∩S|^2 / (|W| |S|): 1 exactly at W = S, lower elsewhere.
// The bright share comes from the crop's pixels; the window's area from the
// documented scoring order (enumerate_windows' order, batch by batch).
medcnn::WindowScorer square_scorer(const at::Tensor& image, const PyramidOptions& o,
                                   double square_area, size_t* calls) {
  auto windows = std::make_shared<std::vector<Box>>(
      medcnn::enumerate_windows({image.size(1), image.size(2)}, o));
  auto next = std::make_shared<size_t>(0);
  return [=](const at::Tensor& crops) {
    ++*calls;
    const int64_t n = crops.size(0);
    at::Tensor out = torch::zeros({n, 2}, torch::kDouble);
    for (int64_t i = 0; i < n; ++i) {
      const Box& w = (*windows)[(*next)++];
      const double area = w.extent(0) * w.extent(1);
      const double bright = crops[i].mean().item<double>();
      const double p = std::min(1.0, bright * bright * area / square_area);
      out[i][0] = 1.0 - p;
      out[i][1] = p;
    }
    return out;
  };
}

}  // namespace

TEST(PyramidWindows, CountsAndClippingByHand) {
  PyramidOptions o;
  o.window_sizes = {20};
  o.stride = 0.25;  // step 5
  auto w = medcnn::enumerate_windows({96, 128}, o);
  // x: 0, 5, ..., 105 (22 starts) + 108 (the right edge); y: 0, ..., 75 (16) + 76
  ASSERT_EQ(w.size(), 23u * 17u);
  EXPECT_EQ(w[0].lo[0], 0);
  EXPECT_EQ(w[0].hi[0], 20);
  EXPECT_EQ(w[1].lo[0], 5);  // x fastest
  EXPECT_EQ(w[21].lo[0], 105);
  EXPECT_EQ(w[22].lo[0], 108);
  EXPECT_EQ(w[22].hi[0], 128);
  EXPECT_EQ(w[23].lo[1], 5);
  EXPECT_EQ(w.back().lo[0], 108);
  EXPECT_EQ(w.back().lo[1], 76);
  EXPECT_EQ(w.back().hi[1], 96);
  // a size given twice counts once; one larger than the image is clamped to it
  o.window_sizes = {20, 20, 500};
  w = medcnn::enumerate_windows({96, 128}, o);
  ASSERT_EQ(w.size(), 23u * 17u + 1u);
  EXPECT_EQ(w.back().lo[0], 0);
  EXPECT_EQ(w.back().hi[0], 128);
  EXPECT_EQ(w.back().hi[1], 96);
  // scales: 0.25 x 96 = 24 high, aspect 2 -> 48 wide; steps 12 (x) and 6 (y)
  o.window_sizes.clear();
  o.scales = {0.25};
  o.aspect = 2.0;
  w = medcnn::enumerate_windows({96, 128}, o);
  // x: 0..72 (7) + 80; y: 0..72 (13), 72 + 24 = 96 reaches the edge
  ASSERT_EQ(w.size(), 8u * 13u);
  EXPECT_EQ(w[7].lo[0], 80);
  EXPECT_EQ(w[7].extent(0), 48);
  EXPECT_EQ(w[7].extent(1), 24);
  // 3-D: 10 x 12 x 12 (z, y, x), cubes of 6, step 3: x, y: 0, 3, 6; z: 0, 3 + 4
  PyramidOptions c;
  c.window_sizes = {6};
  c.stride = 0.5;
  w = medcnn::enumerate_windows({10, 12, 12}, c);
  ASSERT_EQ(w.size(), 27u);
  EXPECT_EQ(w.back().dims, 3);
  EXPECT_EQ(w.back().lo[2], 4);
  EXPECT_EQ(w.back().hi[2], 10);
  EXPECT_EQ(w[9].lo[2], 3);  // z slowest
}

TEST(PyramidWindows, CropAndResizeByHand) {
  // a 2 x 2 window [a b; c d] upsampled to 4 x 4 (align_corners false): each
  // row is a, 3a/4 + b/4, a/4 + 3b/4, b (edge samples clamp to the border)
  at::Tensor img = torch::zeros({1, 5, 6});
  img[0][2][3] = 1.0;  // a
  img[0][2][4] = 5.0;  // b
  img[0][3][3] = 9.0;  // c
  img[0][3][4] = 13.0; // d
  at::Tensor r = medcnn::crop_and_resize(img, make_box(3, 2, 5, 4), {4, 4});
  ASSERT_EQ(r.sizes(), (std::vector<int64_t>{1, 4, 4}));
  const double row0[4] = {1, 2, 4, 5};
  for (int x = 0; x < 4; ++x) EXPECT_NEAR(r[0][0][x].item<double>(), row0[x], 1e-6) << x;
  const double col0[4] = {1, 3, 7, 9};
  for (int y = 0; y < 4; ++y) EXPECT_NEAR(r[0][y][0].item<double>(), col0[y], 1e-6) << y;
  EXPECT_NEAR(r[0][3][3].item<double>(), 13, 1e-6);
  // same size: the pixels themselves; a window outside the image is refused
  at::Tensor same = medcnn::crop_and_resize(img, make_box(3, 2, 5, 4), {2, 2});
  EXPECT_TRUE(same.equal(img.narrow(1, 2, 2).narrow(2, 3, 2)));
  EXPECT_THROW(medcnn::crop_and_resize(img, make_box(5, 0, 7, 2), {2, 2}), medcnn::DataError);
}

TEST(PyramidSearch, FindsSquaresOfVeryDifferentSizesWhereOneScaleFails) {
  PyramidOptions o;  // default scales: 0.1 .. 0.6 of 96 px
  o.batch_size = 100;
  // side 20 at (30, 40): the 21-px windows (scale 0.215, step 5) include
  // [30, 51) x [40, 61), IoU 400/441 = 0.907, p = 0.907; the 16-px ones inside
  // score 256/400 = 0.64.
  // side 60 at (45, 15): the 58-px windows (scale 0.6, step 15) include
  // [45, 103) x [15, 73) inside it, IoU = p = 58^2/60^2 = 0.934.
  struct Case { int64_t x0, y0, side; double iou; };
  for (const Case& c : {Case{30, 40, 20, 400.0 / 441.0}, Case{45, 15, 60, 3364.0 / 3600.0}}) {
    at::Tensor img = square_image(c.x0, c.y0, c.side);
    size_t calls = 0;
    auto r = medcnn::pyramid_search(img, square_scorer(img, o, double(c.side * c.side), &calls),
                                    {32, 32}, o);
    const Box truth = make_box(c.x0, c.y0, c.x0 + c.side, c.y0 + c.side);
    EXPECT_NEAR(iou2d(r.box, truth), c.iou, 1e-9) << "side " << c.side;
    EXPECT_GE(iou2d(r.box, truth), 0.8);
    EXPECT_EQ(r.box.label, 0);
    EXPECT_NEAR(r.box.score, c.iou, 0.03);  // the scorer's p from the crop's pixels
    ASSERT_EQ(r.probabilities.size(), 1u);
    EXPECT_DOUBLE_EQ(r.probabilities[0], 1.0);
    EXPECT_EQ(calls, (r.windows + 99) / 100);
  }
  // one scale alone (20 px windows) fits the small square exactly but not
  // the large one: its best is a 20-px window inside it, IoU 400/3600
  PyramidOptions one = o;
  one.window_sizes = {20};
  for (const Case& c : {Case{30, 40, 20, 1.0}, Case{45, 15, 60, 400.0 / 3600.0}}) {
    at::Tensor img = square_image(c.x0, c.y0, c.side);
    size_t calls = 0;
    auto r = medcnn::pyramid_search(img, square_scorer(img, one, double(c.side * c.side), &calls),
                                    {32, 32}, one);
    EXPECT_NEAR(iou2d(r.box, make_box(c.x0, c.y0, c.x0 + c.side, c.y0 + c.side)), c.iou, 1e-9);
  }
}

TEST(PyramidSearch, RefinementIsTheScoreWeightedMeanWorkedByHand) {
  // 8 x 40 image, 8-px windows, step 2: x0 = 0, 2, ..., 32 (17 windows, one row)
  at::Tensor img = torch::zeros({1, 8, 40});
  std::map<int, double> p_of_x0 = {{16, 0.7}, {18, 0.6}, {20, 0.8}, {22, 0.2}};
  auto scorer = [&](size_t* next) {
    return [&, next](const at::Tensor& crops) {
      at::Tensor out = torch::zeros({crops.size(0), 3}, torch::kDouble);
      for (int64_t i = 0; i < crops.size(0); ++i) {
        const int x0 = int(2 * (*next)++);
        const double p = p_of_x0.count(x0) ? p_of_x0[x0] : 0.05;
        out[i][0] = 1 - p;
        out[i][1] = 0.25 * p;
        out[i][2] = 0.75 * p;
      }
      return out;
    };
  };
  PyramidOptions o;
  o.window_sizes = {8};
  o.batch_size = 5;  // 5 + 5 + 5 + 2
  // best: x0 = 20 (0.8). IoU with x0 = 18 or 22: 48/80 = 0.6 (kept); with 16: 32/96 (not)
  struct Case { int64_t top; double lo; };
  for (const Case& c : {Case{0, 20}, Case{1, 20}, Case{2, (20 * 0.8 + 18 * 0.6) / 1.4},
                        Case{3, (20 * 0.8 + 18 * 0.6 + 22 * 0.2) / 1.6},
                        Case{10, (20 * 0.8 + 18 * 0.6 + 22 * 0.2) / 1.6}}) {
    o.refine_top = c.top;
    size_t next = 0;
    auto r = medcnn::pyramid_search(img, scorer(&next), {8, 8}, o);
    EXPECT_EQ(next, 17u);
    EXPECT_EQ(r.windows, 17u);
    EXPECT_NEAR(r.box.lo[0], c.lo, 1e-9) << "refine_top " << c.top;
    EXPECT_NEAR(r.box.hi[0], c.lo + 8, 1e-9);
    EXPECT_NEAR(r.box.lo[1], 0, 1e-9);
    EXPECT_NEAR(r.box.hi[1], 8, 1e-9);
    EXPECT_EQ(r.best_window.lo[0], 20);
    EXPECT_NEAR(r.box.score, 0.8, 1e-6);
    EXPECT_EQ(r.box.label, 1);  // argmax over the object classes (0.25 p, 0.75 p)
    ASSERT_EQ(r.probabilities.size(), 2u);
    EXPECT_NEAR(r.probabilities[0], 0.25, 1e-9);
    EXPECT_NEAR(r.probabilities[1], 0.75, 1e-9);
  }
  // a scorer that does not return [N, K + 1] is a DataError
  auto bad = [](const at::Tensor& x) { return torch::zeros({x.size(0), 1}); };
  EXPECT_THROW(medcnn::pyramid_search(img, bad, {8, 8}, o), medcnn::DataError);
}

TEST(PyramidOptions, RoundTripAndBadValues) {
  PyramidOptions o;
  ASSERT_EQ(o.scales.size(), 8u);
  EXPECT_NEAR(o.scales.front(), 0.1, 1e-12);
  EXPECT_NEAR(o.scales.back(), 0.6, 1e-12);
  EXPECT_NEAR(o.scales[1] / o.scales[0], o.scales[7] / o.scales[6], 1e-12);  // geometric
  o.window_sizes = {12, 40};
  o.aspect = 1.5;
  o.stride = 0.5;
  o.batch_size = 7;
  o.refine_top = 3;
  PyramidOptions b = PyramidOptions::from_json(o.to_json());
  EXPECT_EQ(b.scales, o.scales);
  EXPECT_EQ(b.window_sizes, o.window_sizes);
  EXPECT_EQ(b.aspect, 1.5);
  EXPECT_EQ(b.stride, 0.5);
  EXPECT_EQ(b.batch_size, 7);
  EXPECT_EQ(b.refine_top, 3);
  EXPECT_EQ(b.to_json(), o.to_json());

  using nlohmann::json;
  auto err = [](const json& j) {
    return mt::expect_error<medcnn::ConfigError>([&] { PyramidOptions::from_json(j); });
  };
  EXPECT_TRUE(mt::has(err({{"scales", json::array()}}), "localization.scales")) ;
  EXPECT_TRUE(mt::has(err({{"scales", {0.2, -0.1}}}), "localization.scales"));
  EXPECT_TRUE(mt::has(err({{"stride", 0.0}}), "localization.stride"));
  EXPECT_TRUE(mt::has(err({{"stride", -0.5}}), "localization.stride"));
  EXPECT_TRUE(mt::has(err({{"aspect", 0}}), "localization.aspect"));
  EXPECT_TRUE(mt::has(err({{"batch_size", 0}}), "localization.batch_size"));
  EXPECT_TRUE(mt::has(err({{"refine_top", -1}}), "localization.refine_top"));
  EXPECT_TRUE(mt::has(err({{"window_sizes", {0}}}), "localization.window_sizes"));
  EXPECT_TRUE(mt::has(err({{"scale", {0.2}}}), "localization.scale"));
  EXPECT_TRUE(mt::has(err({{"stride", "big"}}), "localization.stride"));
  // empty scales are fine when window sizes are given
  EXPECT_EQ(PyramidOptions::from_json({{"scales", json::array()}, {"window_sizes", {16}}})
                .window_sizes, (std::vector<int64_t>{16}));
}
