// Detection (CenterNet-style): the targets, the loss with its gradient and the
// decoding against tests/oracles/detection_torch.py (the header's contract
// re-computed in numpy / PyTorch), decoding and class-aware NMS on cases
// worked by hand, targets -> output -> boxes round trips in 2-D and 3-D, the
// task's metrics on perfect outputs, evaluate_detection_boxes against
// tests/oracles/detection_numpy.py, and input errors.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/metrics/detection.h"
#include "medcnn/tasks/detection.h"
#include "test_boxes.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;
using mt::box2;
using mt::box3;
using mt::box_json;
using mt::boxes_json;
using nlohmann::json;

namespace {

json tensor_json(const at::Tensor& t) {
  at::Tensor c = t.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  std::vector<double> v(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
  return {{"shape", c.sizes().vec()}, {"values", v}};
}

// max |a - ref| after checking that the shapes agree.
double max_diff(const at::Tensor& a, const json& ref) {
  const std::vector<int64_t> shape = ref.at("shape").get<std::vector<int64_t>>();
  EXPECT_EQ(a.sizes().vec(), shape);
  if (a.sizes().vec() != shape) return INFINITY;
  at::Tensor r = torch::tensor(ref.at("values").get<std::vector<double>>(), torch::kFloat64)
                     .reshape(shape);
  if (a.numel() == 0) return 0;
  return (a.detach().to(torch::kCPU, torch::kFloat64) - r).abs().max().item<double>();
}

json run_case_oracle(const std::string& mode, const json& cases) {
  mt::TempDir dir;
  mt::write_text(dir.file("case.json"), json{{"cases", cases}}.dump());
  return mt::run_oracle("detection_torch.py", {mode, dir.file("case.json")});
}

Batch make_batch(const std::vector<std::vector<Box>>& boxes, const std::vector<int64_t>& input) {
  Batch b;
  for (size_t i = 0; i < boxes.size(); ++i) b.ids.push_back("case" + std::to_string(i));
  b.boxes = boxes;
  std::vector<int64_t> shape = {int64_t(boxes.size()), 1};
  shape.insert(shape.end(), input.begin(), input.end());
  b.images = torch::zeros(shape);
  b.labels = torch::zeros({int64_t(boxes.size())}, torch::kLong);
  return b;
}

std::vector<std::string> ids_of(size_t n) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back("case" + std::to_string(i));
  return ids;
}

DetectionOptions options(int64_t k, int dims) {
  DetectionOptions o;
  for (int64_t c = 0; c < k; ++c) o.class_names.push_back("class" + std::to_string(c));
  o.dims = dims;
  return o;
}

// The network output that "predicts" the targets: heatmap logits = logit of
// the target heat clipped to [1e-4, 1 - 1e-4], log sizes and offsets copied.
at::Tensor output_from(const CenterNetTargets& t) {
  at::Tensor heat = t.heatmap.to(torch::kFloat32).clamp(1e-4, 1 - 1e-4);
  return torch::cat({torch::log(heat / (1 - heat)), t.size.to(torch::kFloat32),
                     t.offset.to(torch::kFloat32)},
                    1);
}

// 2-D boxes (x, y) for inputs of 48 x 64 (H x W): two overlapping boxes of
// class 0, a box touching the left and bottom borders, one smaller than a
// cell (sigma at its floor), one whose centre is on the far corner (clamped
// into the last cell), two boxes of different classes in one cell (the later
// one's size and offset kept), an image without boxes, and a box of zero width.
std::vector<std::vector<Box>> boxes_2d() {
  return {{box2(4, 4, 28, 24, 0), box2(16, 10, 40, 30, 0), box2(0, 30, 12, 48, 1),
           box2(50.5, 2.25, 53, 5, 1), box2(56, 44, 72, 52, 0), box2(20, 20, 30, 30, 1),
           box2(21, 22, 27, 28, 0)},
          {},
          {box2(30, 15, 45, 40, 1), box2(10, 10, 10, 14, 0)}};
}

// 3-D boxes (x, y, z) for inputs of 8 x 24 x 32 (D x H x W).
std::vector<std::vector<Box>> boxes_3d() {
  return {{box3({2, 3, 1}, {14, 15, 5}, 0), box3({16, 8, 0}, {32, 24, 8}, 1),
           box3({5, 5, 2}, {20, 18, 7}, 0)},
          {box3({9, 1, 3}, {13, 7, 6}, 1)}};
}

// Boxes that a perfect output decodes back (one object per cell, same-class
// overlaps with IoU < 0.5, a box touching the image border).
std::vector<std::vector<Box>> round_trip_2d() {
  return {{box2(4, 4, 28, 24, 0), box2(16, 10, 40, 30, 0), box2(0, 30, 12, 48, 1),
           box2(50.5, 2.25, 53, 5, 1), box2(44, 36, 64, 48, 0)},
          {},
          {box2(30, 15, 45, 40, 1)}};
}

void expect_same_boxes(const std::vector<Box>& got, const std::vector<Box>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (const Box& w : want) {
    double best = 0;
    for (const Box& g : got)
      if (g.label == w.label) best = std::max(best, box_iou(g, w));
    EXPECT_GT(best, 0.99) << "box with label " << w.label << " at " << w.lo[0] << ","
                          << w.lo[1];
  }
}

// ---- targets ------------------------------------------------------------------------

TEST(CenterNetTargets, MatchTheOracleIn2DAnd3D) {
  struct Config {
    std::vector<std::vector<Box>> boxes;
    int64_t k;
    std::vector<int64_t> input, grid;
  };
  const std::vector<Config> configs = {
      {boxes_2d(), 2, {48, 64}, {12, 16}},  // stride 4 on both axes
      {boxes_2d(), 2, {48, 64}, {24, 16}},  // stride x 4, y 2
      {boxes_3d(), 2, {8, 24, 32}, {4, 6, 8}},  // stride x 4, y 4, z 2
  };
  json cases = json::array();
  for (const Config& c : configs)
    cases.push_back({{"input_size", c.input}, {"grid_size", c.grid}, {"num_classes", c.k},
                     {"boxes", boxes_json(c.boxes)}});
  const json ref = run_case_oracle("targets", cases);
  ASSERT_FALSE(ref.is_null());
  for (size_t i = 0; i < configs.size(); ++i) {
    SCOPED_TRACE("config " + std::to_string(i));
    const Config& c = configs[i];
    CenterNetTargets t = centernet_targets(c.boxes, ids_of(c.boxes.size()), c.k, c.input, c.grid);
    EXPECT_EQ(t.heatmap.scalar_type(), torch::kFloat32);
    EXPECT_EQ(t.mask.scalar_type(), torch::kBool);
    const json& r = ref["cases"][i];
    EXPECT_LT(max_diff(t.heatmap, r["heatmap"]), 1e-6);
    EXPECT_LT(max_diff(t.size, r["size"]), 1e-5);
    EXPECT_LT(max_diff(t.offset, r["offset"]), 1e-6);
    EXPECT_EQ(max_diff(t.mask, r["mask"]), 0.0);
    // The peak cells are exactly 1 (the focal loss counts them).
    EXPECT_EQ(t.heatmap.eq(1).sum().item<int64_t>(),
              torch::tensor(r["heatmap"]["values"].get<std::vector<double>>())
                  .eq(1)
                  .sum()
                  .item<int64_t>());
  }
  // By hand, stride 4: the clamped box's centre (64, 48) / 4 = (16, 12) lies in
  // cell (15, 11) with offset (1, 1); box 6 (21..27, 22..28) is the later one in
  // cell (6, 6): offset (0, 0.25), log sizes log 1.5.
  CenterNetTargets t = centernet_targets(boxes_2d(), ids_of(3), 2, {48, 64}, {12, 16});
  EXPECT_NEAR(t.offset[0][0][11][15].item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(t.offset[0][1][11][15].item<double>(), 1.0, 1e-6);
  EXPECT_EQ(t.heatmap[0][0][11][15].item<float>(), 1.0f);
  EXPECT_NEAR(t.offset[0][1][6][6].item<double>(), 0.25, 1e-6);
  EXPECT_NEAR(t.size[0][0][6][6].item<double>(), std::log(1.5), 1e-6);
  EXPECT_EQ(t.heatmap[0][1][6][6].item<float>(), 1.0f);  // both classes peak there
  EXPECT_EQ(t.heatmap[0][0][6][6].item<float>(), 1.0f);
  EXPECT_EQ(t.mask[1].sum().item<int64_t>(), 0);
  EXPECT_EQ(t.heatmap[1].abs().sum().item<double>(), 0.0);
  EXPECT_EQ(detection_outputs(2, 2), 6);
  EXPECT_EQ(detection_outputs(3, 3), 9);
}

// ---- loss ---------------------------------------------------------------------------

TEST(DetectionTask, LossAndGradientMatchPyTorch) {
  struct Config {
    std::vector<std::vector<Box>> boxes;
    int64_t k;
    int dims;
    std::vector<int64_t> input, grid;
    double size_weight, offset_weight;
  };
  const std::vector<Config> configs = {
      // 2-D, 2 classes, an image without boxes (no two objects in one cell:
      // the focal and L1 normalisers then agree on what an object is)
      {{{box2(4, 4, 28, 24, 0), box2(16, 10, 40, 30, 0), box2(0, 30, 12, 48, 1),
         box2(50.5, 2.25, 53, 5, 1)},
        {},
        {box2(30, 15, 45, 40, 1)}},
       2, 2, {48, 64}, {12, 16}, 0.5, 2.0},
      // 3-D, 2 classes, strides 4, 4, 2
      {boxes_3d(), 2, 3, {8, 24, 32}, {4, 6, 8}, 1.0, 1.0},
      // a batch without any object: the focal term alone, over 1
      {{{}, {}}, 3, 2, {16, 20}, {8, 10}, 1.0, 1.0},
  };
  torch::manual_seed(7);
  json cases = json::array();
  std::vector<double> losses;
  std::vector<at::Tensor> grads;
  for (const Config& c : configs) {
    std::vector<int64_t> shape = {int64_t(c.boxes.size()), detection_outputs(c.k, c.dims)};
    shape.insert(shape.end(), c.grid.begin(), c.grid.end());
    at::Tensor out = (torch::randn(shape) * 1.5).set_requires_grad(true);
    DetectionOptions o = options(c.k, c.dims);
    o.size_weight = c.size_weight;
    o.offset_weight = c.offset_weight;
    DetectionTask task(o);
    at::Tensor loss = task.loss(out, make_batch(c.boxes, c.input));
    EXPECT_EQ(loss.dim(), 0);
    EXPECT_EQ(loss.scalar_type(), torch::kFloat32);
    loss.backward();
    losses.push_back(loss.item<double>());
    grads.push_back(out.grad().clone());
    cases.push_back({{"input_size", c.input}, {"num_classes", c.k},
                     {"size_weight", c.size_weight}, {"offset_weight", c.offset_weight},
                     {"output", tensor_json(out)}, {"boxes", boxes_json(c.boxes)}});
  }
  const json ref = run_case_oracle("loss", cases);
  ASSERT_FALSE(ref.is_null());
  for (size_t i = 0; i < configs.size(); ++i) {
    SCOPED_TRACE("config " + std::to_string(i));
    const json& r = ref["cases"][i];
    const double want = r["loss"].get<double>();
    EXPECT_NEAR(losses[i], want, 1e-5 * std::max(1.0, std::abs(want)))
        << "oracle focal " << r["focal"] << " L1 size " << r["l1_size"] << " L1 offset "
        << r["l1_offset"];
    EXPECT_LT(max_diff(grads[i], r["grad"]), 1e-6);
  }
}

TEST(DetectionTask, LossWorkedByHand) {
  // Input 1 x 2 on a grid of 1 x 2 (stride 1), one box [0, 1] x [0, 1]: its cell
  // (0, 0), size 1 (log 0), offset (0.5, 0.5), sigma 0.1, so the other cell's
  // target is exp(-50) ~ 0. All outputs 0: p = 1/2 everywhere; focal =
  // (1/4 ln 2 + 1/4 ln 2) / 1; L1 size 0; L1 offset 0.5 + 0.5.
  DetectionOptions o = options(1, 2);
  o.offset_weight = 2.0;
  o.size_weight = 3.0;
  DetectionTask task(o);
  at::Tensor out = torch::zeros({1, 5, 1, 2});
  const double got = task.loss(out, make_batch({{box2(0, 0, 1, 1, 0)}}, {1, 2})).item<double>();
  EXPECT_NEAR(got, 0.5 * std::log(2.0) + 2.0 * 1.0, 1e-6);
}

// ---- decoding -----------------------------------------------------------------------

TEST(DetectionDecode, MatchesTheOracleWithAndWithoutNms) {
  struct Config {
    int64_t b, k;
    std::vector<int64_t> input, grid;
    double threshold;
    int max_detections;
    double nms_iou;
  };
  const std::vector<Config> configs = {
      {2, 3, {40, 36}, {10, 12}, 0.3, 20, 0.5},  // strides x 3, y 4
      {2, 3, {40, 36}, {10, 12}, 0.3, 20, 0.0},  // the same output, no NMS
      {2, 3, {40, 36}, {10, 12}, 0.05, 7, 0.3},  // top 7 before NMS
      {1, 2, {8, 20, 24}, {4, 5, 6}, 0.2, 30, 0.4},  // 3-D, strides 4, 4, 2
  };
  torch::manual_seed(11);
  json cases = json::array();
  std::vector<std::vector<std::vector<Box>>> got;
  at::Tensor out;
  for (size_t i = 0; i < configs.size(); ++i) {
    const Config& c = configs[i];
    const int d = int(c.grid.size());
    if (i != 1 && i != 2) {  // configs 1 and 2 decode config 0's output
      std::vector<int64_t> shape = {c.b, c.k};
      shape.insert(shape.end(), c.grid.begin(), c.grid.end());
      at::Tensor logits = torch::randn(shape) * 2;
      shape[1] = d;
      at::Tensor log_size = torch::rand(shape) * 0.5 + 1.9;  // 6.7 .. 11 cells: overlaps
      at::Tensor offset = torch::rand(shape);
      out = torch::cat({logits, log_size, offset}, 1);
    }
    DetectionOptions o = options(c.k, d);
    o.score_threshold = c.threshold;
    o.max_detections = c.max_detections;
    o.nms_iou = c.nms_iou;
    got.push_back(decode_detections(out, c.k, c.input, o));
    cases.push_back({{"input_size", c.input}, {"num_classes", c.k},
                     {"score_threshold", c.threshold}, {"max_detections", c.max_detections},
                     {"nms_iou", c.nms_iou}, {"output", tensor_json(out)}});
  }
  const json ref = run_case_oracle("decode", cases);
  ASSERT_FALSE(ref.is_null());
  for (size_t i = 0; i < configs.size(); ++i) {
    SCOPED_TRACE("config " + std::to_string(i));
    const int d = int(configs[i].grid.size());
    ASSERT_EQ(got[i].size(), ref["cases"][i].size());
    for (size_t n = 0; n < got[i].size(); ++n) {
      SCOPED_TRACE("image " + std::to_string(n));
      const json& want = ref["cases"][i][n];
      ASSERT_EQ(got[i][n].size(), want.size());
      for (size_t j = 0; j < want.size(); ++j) {
        const Box& g = got[i][n][j];
        EXPECT_EQ(g.label, want[j]["label"].get<int>()) << "box " << j;
        EXPECT_NEAR(g.score, want[j]["score"].get<double>(), 1e-6) << "box " << j;
        for (int a = 0; a < d; ++a) {
          EXPECT_NEAR(g.lo[size_t(a)], want[j]["lo"][size_t(a)].get<double>(), 1e-4);
          EXPECT_NEAR(g.hi[size_t(a)], want[j]["hi"][size_t(a)].get<double>(), 1e-4);
        }
      }
    }
  }
  // The cases exercise what they claim: NMS removed boxes, the cap bit.
  size_t with_nms = 0, without = 0;
  for (size_t n = 0; n < 2; ++n) {
    with_nms += ref["cases"][0][n].size();
    without += ref["cases"][1][n].size();
    EXPECT_LE(ref["cases"][2][n].size(), 7u);
  }
  EXPECT_LT(with_nms, without);
  EXPECT_GT(with_nms, 0u);
}

TEST(DetectionDecode, BoxesWorkedByHand) {
  // Stride 1 (grid == input 8 x 10). Class 1 peaks at cell x 6, y 3 with logit 2,
  // log sizes (log 4, log 2), offsets (0.5, 0.25): centre (6.5, 3.25), box
  // [4.5, 8.5] x [2.25, 4.25]. Class 0 peaks at cell (0, 0) with logit 1, size
  // 1 x 1, offset 0: box [-0.5, 0.5]^2. Everything else: logit -10 (heat 4.5e-5).
  at::Tensor out = torch::zeros({1, 6, 8, 10});
  out.narrow(1, 0, 2).fill_(-10);
  out[0][1][3][6] = 2;
  out[0][0][0][0] = 1;
  out[0][2][3][6] = std::log(4.0);
  out[0][3][3][6] = std::log(2.0);
  out[0][4][3][6] = 0.5;
  out[0][5][3][6] = 0.25;
  DetectionOptions o = options(2, 2);
  std::vector<Box> b = decode_detections(out, 2, {8, 10}, o)[0];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].label, 1);
  EXPECT_NEAR(b[0].score, 1 / (1 + std::exp(-2.0)), 1e-6);
  EXPECT_NEAR(b[0].lo[0], 4.5, 1e-5);
  EXPECT_NEAR(b[0].hi[0], 8.5, 1e-5);
  EXPECT_NEAR(b[0].lo[1], 2.25, 1e-5);
  EXPECT_NEAR(b[0].hi[1], 4.25, 1e-5);
  EXPECT_EQ(b[1].label, 0);
  EXPECT_NEAR(b[1].score, 1 / (1 + std::exp(-1.0)), 1e-6);
  EXPECT_NEAR(b[1].lo[0], -0.5, 1e-6);
  EXPECT_NEAR(b[1].hi[1], 0.5, 1e-6);
  o.max_detections = 1;  // the highest only
  b = decode_detections(out, 2, {8, 10}, o)[0];
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].label, 1);
  o.max_detections = 100;
  o.score_threshold = 0.8;  // sigmoid(2) = 0.88 passes, sigmoid(1) = 0.73 does not
  EXPECT_EQ(decode_detections(out, 2, {8, 10}, o)[0].size(), 1u);
  o.score_threshold = 0.9;
  EXPECT_TRUE(decode_detections(out, 2, {8, 10}, o)[0].empty());
  // The same output on a grid of stride 2 (input 16 x 20): every coordinate doubles.
  o.score_threshold = 0.5;
  b = decode_detections(out, 2, {16, 20}, o)[0];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_NEAR(b[0].lo[0], 9.0, 1e-5);
  EXPECT_NEAR(b[0].hi[1], 8.5, 1e-5);
}

TEST(DetectionDecode, OutputBuiltFromTargetsDecodesBackToTheBoxes) {
  DetectionOptions o = options(2, 2);
  o.score_threshold = 0.5;
  {
    SCOPED_TRACE("2-D");
    const auto boxes = round_trip_2d();
    for (const auto& grid : std::vector<std::vector<int64_t>>{{12, 16}, {48, 64}, {24, 16}}) {
      CenterNetTargets t = centernet_targets(boxes, ids_of(3), 2, {48, 64}, grid);
      const auto got = decode_detections(output_from(t), 2, {48, 64}, o);
      ASSERT_EQ(got.size(), boxes.size());
      for (size_t i = 0; i < boxes.size(); ++i) expect_same_boxes(got[i], boxes[i]);
    }
  }
  {
    SCOPED_TRACE("3-D");
    o.dims = 3;
    const auto boxes = boxes_3d();
    CenterNetTargets t = centernet_targets(boxes, ids_of(2), 2, {8, 24, 32}, {4, 6, 8});
    const auto got = decode_detections(output_from(t), 2, {8, 24, 32}, o);
    ASSERT_EQ(got.size(), boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i) expect_same_boxes(got[i], boxes[i]);
  }
}

// ---- NMS ----------------------------------------------------------------------------

TEST(DetectionNms, ClassAwareCaseWorkedByHand) {
  // By score: A 0.9 (class 0), C 0.85 (class 1, on A), B 0.8 (class 0, IoU with A
  // 81/119 = 0.68), D 0.7 (class 0, IoU with A 50/150), E 0.6 (class 0, IoU 0.47
  // with A, 0.68 with the dropped B, 0.39 with D), then three at 0.5 in input
  // order H, I (class 1, IoU with H 90/110 = 0.82), F.
  const std::vector<Box> in = {
      box2(5, 0, 15, 10, 0, 0.7f),    // D
      box2(20, 20, 30, 30, 1, 0.5f),  // H
      box2(1, 1, 11, 11, 0, 0.8f),    // B
      box2(21, 20, 31, 30, 1, 0.5f),  // I
      box2(0, 0, 10, 10, 0, 0.9f),    // A
      box2(2, 2, 12, 12, 0, 0.6f),    // E
      box2(0, 0, 10, 10, 1, 0.85f),   // C
      box2(40, 40, 44, 44, 0, 0.5f),  // F
  };
  auto lo_x = [](const std::vector<Box>& v) {
    std::vector<std::pair<double, int>> out;
    for (const Box& b : v) out.push_back({b.lo[0], b.label});
    return out;
  };
  using P = std::vector<std::pair<double, int>>;
  // IoU 0.5: B and I dropped; E kept (B does not suppress, it was dropped).
  EXPECT_EQ(lo_x(class_aware_nms(in, 0.5)), (P{{0, 0}, {0, 1}, {5, 0}, {2, 0}, {20, 1},
                                                {40, 0}}));
  // IoU 0.7: only I goes.
  EXPECT_EQ(lo_x(class_aware_nms(in, 0.7)), (P{{0, 0}, {0, 1}, {1, 0}, {5, 0}, {2, 0},
                                                {20, 1}, {40, 0}}));
  // IoU 0.9: nothing goes; the order is by score, ties in input order.
  EXPECT_EQ(lo_x(class_aware_nms(in, 0.9)), (P{{0, 0}, {0, 1}, {1, 0}, {5, 0}, {2, 0},
                                                {20, 1}, {21, 1}, {40, 0}}));
  EXPECT_TRUE(class_aware_nms({}, 0.5).empty());
}

// ---- errors -------------------------------------------------------------------------

TEST(DetectionTask, ErrorsNameTheCaseAndTheProblem) {
  DetectionTask task(options(2, 2));
  std::vector<std::vector<Box>> bad = {{box2(1, 1, 5, 5, 0)}, {box2(2, 2, 9, 9, 2)}};
  std::string msg = mt::expect_error<DataError>(
      [&] { centernet_targets(bad, ids_of(2), 2, {16, 16}, {4, 4}); });
  EXPECT_TRUE(mt::has(msg, "case1")) << msg;
  bad[1][0].label = -1;
  msg = mt::expect_error<DataError>(
      [&] { task.loss(torch::zeros({2, 6, 4, 4}), make_batch(bad, {16, 16})); });
  EXPECT_TRUE(mt::has(msg, "case1")) << msg;

  // K + 2d = 6 channels expected.
  const Batch ok = make_batch({{box2(1, 1, 5, 5, 0)}}, {16, 16});
  mt::expect_error<ConfigError>([&] { task.loss(torch::zeros({1, 7, 4, 4}), ok); });
  mt::expect_error<ConfigError>([&] { task.loss(torch::zeros({1, 4, 4, 4}), ok); });
  mt::expect_error<ConfigError>(
      [&] { decode_detections(torch::zeros({1, 5, 4, 4}), 2, {16, 16}, options(2, 2)); });
}

// ---- metrics ------------------------------------------------------------------------

TEST(DetectionTask, PerfectOutputScoresOneAndEmptyOutputZero) {
  const auto boxes = round_trip_2d();
  const Batch batch = make_batch(boxes, {48, 64});
  CenterNetTargets t = centernet_targets(boxes, batch.ids, 2, {48, 64}, {12, 16});
  DetectionTask task(options(2, 2));
  task.reset();
  task.accumulate(output_from(t), batch);
  auto m = task.metrics();
  EXPECT_NEAR(m.at("map50"), 1.0, 1e-9);
  EXPECT_NEAR(m.at("map50_95"), 1.0, 1e-9);
  EXPECT_NEAR(m.at("froc"), 1.0, 1e-9);
  const json e = task.evaluation();
  EXPECT_EQ(e.at("task"), "detection");
  EXPECT_EQ(e.at("per_class").size(), 2u);
  EXPECT_NEAR(e.at("metrics").at("map50").get<double>(), 1.0, 1e-9);

  // 3-D, in two batches.
  DetectionTask task3(options(2, 3));
  task3.reset();
  for (const auto& one : boxes_3d()) {
    const Batch b = make_batch({one}, {8, 24, 32});
    CenterNetTargets t3 = centernet_targets(b.boxes, b.ids, 2, {8, 24, 32}, {4, 6, 8});
    task3.accumulate(output_from(t3), b);
  }
  EXPECT_NEAR(task3.metrics().at("map50"), 1.0, 1e-9);
  EXPECT_NEAR(task3.metrics().at("froc"), 1.0, 1e-9);

  // reset() forgets: an output with no peak above the threshold finds nothing.
  task.reset();
  at::Tensor none = output_from(t);
  none.narrow(1, 0, 2).fill_(-20);
  task.accumulate(none, batch);
  m = task.metrics();
  EXPECT_NEAR(m.at("map50"), 0.0, 1e-12);
  EXPECT_NEAR(m.at("froc"), 0.0, 1e-12);
}

TEST(DetectionTask, EvaluateBoxesMatchesTheNumpyOracle) {
  // Class a: TP 0.95, TP 0.9, FP 0.8 (a duplicate), FP 0.5 over 2 truths: AP50 1.
  // Class b: FP 0.85, FP 0.7, TP 0.6 over 2 truths: precision 1/3 up to recall
  // 0.5, AP50 = 51/101 / 3. map50 = (1 + 17/101) / 2.
  const std::vector<std::vector<Box>> truth = {
      {box2(0, 0, 10, 10, 0), box2(20, 20, 30, 30, 1)},
      {box2(5, 5, 15, 15, 0)},
      {},
      {box2(10, 10, 20, 20, 1)}};
  const std::vector<std::vector<Box>> pred = {
      {box2(0, 0, 10, 10, 0, 0.9f), box2(1, 0, 11, 10, 0, 0.8f), box2(50, 50, 60, 60, 1, 0.7f),
       box2(21, 20, 31, 30, 1, 0.6f)},
      {box2(6, 5, 16, 15, 0, 0.95f), box2(30, 30, 40, 40, 0, 0.5f)},
      {box2(0, 0, 5, 5, 1, 0.85f)},
      {}};
  const json e = evaluate_detection_boxes(pred, truth, {"a", "b"});
  EXPECT_NEAR(e["metrics"]["map50"].get<double>(), (1 + 17.0 / 101) / 2, 1e-9);

  mt::TempDir dir;
  const json spec = {
      {"detection",
       {{{"num_classes", 2}, {"max_detections", 100}, {"predictions", boxes_json(pred)},
         {"ground_truth", boxes_json(truth)}}}},
      {"froc", {{{"predictions", boxes_json(pred)}, {"ground_truth", boxes_json(truth)}}}}};
  mt::write_text(dir.file("case.json"), spec.dump());
  const json ref = mt::run_oracle("detection_numpy.py", {"evaluate", dir.file("case.json")});
  ASSERT_FALSE(ref.is_null());
  const json& det = ref["detection"][0];
  EXPECT_NEAR(e["metrics"]["map50"].get<double>(), det["map50"].get<double>(), 1e-9);
  EXPECT_NEAR(e["metrics"]["map50_95"].get<double>(), det["map50_95"].get<double>(), 1e-9);
  ASSERT_EQ(e["per_class"].size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    EXPECT_NEAR(e["per_class"][k]["ap50"].get<double>(), det["ap50"][k].get<double>(), 1e-9);
    EXPECT_NEAR(e["per_class"][k]["ap50_95"].get<double>(), det["ap50_95"][k].get<double>(),
                1e-9);
  }
  EXPECT_NEAR(e["metrics"]["froc"].get<double>(),
              ref["froc"][0]["iou"]["mean_sensitivity"].get<double>(), 1e-9);
}

}  // namespace
