// Detection, FROC and localization metrics: cases worked by hand, seeded
// random cases against tests/oracles/detection_numpy.py (pycocotools'
// COCOeval re-implemented in numpy, VOC all-points AP, a CAMELYON16-style
// FROC), and input errors.
#include <cmath>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/metrics/detection.h"
#include "medcnn/metrics/froc.h"
#include "medcnn/metrics/localization.h"
#include "metrics_cases.h"
#include "test_boxes.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-12;

// ---- seeded random cases ---------------------------------------------------

struct DetCase {
  std::string name;
  int num_classes = 3;
  int max_detections = 100;
  BoxesPerImage predictions, ground_truth;
};

struct CaseOptions {
  int dims = 2;
  int images = 6;
  int num_classes = 3;
  bool grid = false;          // integer corners and scores in steps of 0.1: ties
  int max_detections = 100;
  int class_without_truth = -1;        // never in the ground truth
  int class_without_predictions = -1;  // never predicted
  int max_truth = 6;
};

Box random_box(Rng& rng, const CaseOptions& o) {
  Box b;
  b.dims = o.dims;
  for (int a = 0; a < o.dims; ++a) {
    double lo = rng.uniform(0, 80), size = rng.uniform(4, 25);
    if (o.grid) {
      lo = std::round(lo);
      size = std::round(size);
    }
    b.lo[static_cast<size_t>(a)] = lo;
    b.hi[static_cast<size_t>(a)] = lo + size;
  }
  return b;
}

float random_score(Rng& rng, const CaseOptions& o) {
  const double s = rng.uniform();
  return static_cast<float>(o.grid ? std::round(s * 10) / 10 : s);
}

int random_label(Rng& rng, const CaseOptions& o, int avoid) {
  int c;
  do c = static_cast<int>(rng.randint(0, o.num_classes - 1));
  while (c == avoid && o.num_classes > 1);
  return c;
}

DetCase random_case(const std::string& name, uint64_t seed, const CaseOptions& o) {
  Rng rng(seed);
  DetCase c;
  c.name = name;
  c.num_classes = o.num_classes;
  c.max_detections = o.max_detections;
  for (int i = 0; i < o.images; ++i) {
    std::vector<Box> gts, preds;
    const int64_t n_gt = rng.randint(0, o.max_truth);
    for (int64_t g = 0; g < n_gt; ++g) {
      Box b = random_box(rng, o);
      b.label = random_label(rng, o, o.class_without_truth);
      gts.push_back(b);
      // 0, 1 or 2 (a duplicate) predictions near each truth, jittered.
      const int copies = rng.bernoulli(0.2) ? 0 : (rng.bernoulli(0.25) ? 2 : 1);
      for (int k = 0; k < copies; ++k) {
        Box p = b;
        for (int a = 0; a < o.dims; ++a) {
          const double size = b.extent(a);
          for (double* v : {&p.lo[static_cast<size_t>(a)], &p.hi[static_cast<size_t>(a)]}) {
            *v += rng.normal(0, 0.12 * size);
            if (o.grid) *v = std::round(*v);
          }
          if (p.hi[static_cast<size_t>(a)] < p.lo[static_cast<size_t>(a)])
            std::swap(p.lo[static_cast<size_t>(a)], p.hi[static_cast<size_t>(a)]);
        }
        p.label = rng.bernoulli(0.85) ? b.label : random_label(rng, o, -1);
        p.score = random_score(rng, o);
        preds.push_back(p);
      }
    }
    const int64_t n_fp = rng.randint(0, 4);
    for (int64_t k = 0; k < n_fp; ++k) {
      Box p = random_box(rng, o);
      p.label = random_label(rng, o, -1);
      p.score = random_score(rng, o);
      preds.push_back(p);
    }
    std::vector<Box> kept;
    for (const Box& p : preds)
      if (p.label != o.class_without_predictions) kept.push_back(p);
    c.predictions.push_back(kept);
    c.ground_truth.push_back(gts);
  }
  return c;
}

std::vector<DetCase> random_cases() {
  std::vector<DetCase> cases;
  cases.push_back(random_case("continuous_2d", 11, {}));
  CaseOptions grid;
  grid.grid = true;
  grid.images = 8;
  cases.push_back(random_case("grid_2d_ties", 12, grid));
  CaseOptions three;
  three.dims = 3;
  three.num_classes = 2;
  cases.push_back(random_case("continuous_3d", 13, three));
  CaseOptions absent;
  absent.num_classes = 4;
  absent.class_without_truth = 3;
  absent.class_without_predictions = 1;
  absent.grid = true;
  cases.push_back(random_case("class_without_truth_or_predictions", 14, absent));
  CaseOptions capped;
  capped.max_detections = 3;
  capped.max_truth = 9;
  capped.num_classes = 2;
  cases.push_back(random_case("max_detections_3", 15, capped));
  CaseOptions one;
  one.num_classes = 1;
  one.images = 12;
  one.max_truth = 3;
  cases.push_back(random_case("one_class_many_images", 16, one));
  return cases;
}

// Random cases for localization: one jittered box per image.
struct LocCase {
  std::vector<Box> predicted, truth;
  std::vector<std::array<double, 3>> spacing;
  bool require_class = false;
};

LocCase random_localization(uint64_t seed, int dims, bool with_spacing, bool require_class) {
  Rng rng(seed);
  LocCase c;
  c.require_class = require_class;
  CaseOptions o;
  o.dims = dims;
  for (int i = 0; i < 15; ++i) {
    Box t = random_box(rng, o), p = t;
    t.label = static_cast<int>(rng.randint(0, 2));
    for (int a = 0; a < dims; ++a) {
      const double shift = rng.normal(0, (dims == 3 ? 0.08 : 0.3) * t.extent(a));
      p.lo[static_cast<size_t>(a)] += shift + rng.normal(0, 1);
      p.hi[static_cast<size_t>(a)] += shift + rng.normal(0, 1);
      if (p.hi[static_cast<size_t>(a)] < p.lo[static_cast<size_t>(a)])
        std::swap(p.lo[static_cast<size_t>(a)], p.hi[static_cast<size_t>(a)]);
    }
    p.label = rng.bernoulli(0.7) ? t.label : static_cast<int>(rng.randint(0, 2));
    c.predicted.push_back(p);
    c.truth.push_back(t);
    if (with_spacing)  // a braced list evaluates left to right
      c.spacing.push_back({rng.uniform(0.3, 2), rng.uniform(0.3, 2), rng.uniform(0.5, 5)});
  }
  return c;
}

std::vector<LocCase> localization_cases() {
  return {random_localization(21, 2, false, false), random_localization(22, 2, true, true),
          random_localization(23, 3, true, false)};
}

// One oracle run for everything (the cases are rebuilt from the same seeds).
const json& oracle() {
  static json result = [] {
    TempDir dir;
    json spec = {{"detection", json::array()}, {"froc", json::array()},
                 {"localization", json::array()}};
    for (const DetCase& c : random_cases()) {
      spec["detection"].push_back({{"num_classes", c.num_classes},
                                   {"max_detections", c.max_detections},
                                   {"predictions", boxes_json(c.predictions)},
                                   {"ground_truth", boxes_json(c.ground_truth)}});
      spec["froc"].push_back({{"predictions", boxes_json(c.predictions)},
                              {"ground_truth", boxes_json(c.ground_truth)}});
    }
    for (const LocCase& c : localization_cases()) {
      json pred = json::array(), truth = json::array();
      for (size_t i = 0; i < c.predicted.size(); ++i) {
        pred.push_back(box_json(c.predicted[i]));
        truth.push_back(box_json(c.truth[i]));
      }
      spec["localization"].push_back({{"predicted", pred},
                                      {"truth", truth},
                                      {"spacing", c.spacing},
                                      {"require_class", c.require_class}});
    }
    const std::string path = dir.file("detection_cases.json");
    std::ofstream(path) << spec.dump();
    return run_oracle("detection_numpy.py", {"evaluate", path});
  }();
  return result;
}

std::vector<double> as_doubles(const std::vector<int>& v) { return {v.begin(), v.end()}; }

}  // namespace

// ---- hand-worked cases --------------------------------------------------------

TEST(Detection, IouOfBoxesWorkedByHand) {
  // Overlap 1x1 of two 2x2 squares: 1 / (4 + 4 - 1).
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 2, 2), box2(1, 1, 3, 3)), 1.0 / 7);
  // A 2x2 square inside a 4x4 one: 4 / 16.
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 4, 4), box2(1, 1, 3, 3)), 0.25);
  // Continuous coordinates, no "+1": [0,10) x [0,10) vs [1,11) x [0,10): 90 / 110.
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 10, 10), box2(1, 0, 11, 10)), 9.0 / 11);
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 2, 2), box2(0, 0, 2, 2)), 1.0);
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 2, 2), box2(2, 0, 4, 2)), 0.0);  // touching edges
  EXPECT_DOUBLE_EQ(box_iou(box2(0, 0, 2, 2), box2(5, 5, 6, 6)), 0.0);  // apart
  EXPECT_DOUBLE_EQ(box_iou(box2(1, 1, 1, 1), box2(1, 1, 1, 1)), 0.0);  // empty union
  // 3-D: cubes of side 2 overlapping in a unit cube: 1 / (8 + 8 - 1).
  EXPECT_DOUBLE_EQ(box_iou(box3({0, 0, 0}, {2, 2, 2}), box3({1, 1, 1}, {3, 3, 3})), 1.0 / 15);
  // 3-D boxes that overlap in x, y but not z.
  EXPECT_DOUBLE_EQ(box_iou(box3({0, 0, 0}, {2, 2, 2}), box3({0, 0, 2}, {2, 2, 4})), 0.0);
}

TEST(Detection, ThreePredictionApWorkedByHand) {
  // Two lesions; predictions by score: TP (0.9), FP (0.8), TP (0.7).
  // precision 1, 1/2, 2/3; recall 1/2, 1/2, 1; envelope 1, 2/3, 2/3.
  BoxesPerImage gt = {{box2(0, 0, 10, 10), box2(20, 20, 30, 30)}};
  BoxesPerImage pred = {{box2(21, 20, 31, 30, 0, 0.7f), box2(0, 0, 10, 10, 0, 0.9f),
                         box2(50, 50, 60, 60, 0, 0.8f)}};
  const DetectionMatch m = match_detections(pred, gt, 0, 0.5);
  EXPECT_EQ(m.tp, (std::vector<int>{1, 0, 1}));
  ASSERT_EQ(m.scores.size(), 3u);
  EXPECT_FLOAT_EQ(static_cast<float>(m.scores[0]), 0.9f);
  EXPECT_FLOAT_EQ(static_cast<float>(m.scores[2]), 0.7f);
  EXPECT_EQ(m.n_ground_truth, 2);

  const ApResult coco = average_precision(m, "coco101");
  EXPECT_EQ(coco.precision, (std::vector<double>{1.0, 0.5, 2.0 / 3}));
  EXPECT_EQ(coco.recall, (std::vector<double>{0.5, 0.5, 1.0}));
  // Recall levels 0..0.50 (51 of them) reach precision 1, 0.51..1 (50) reach 2/3.
  EXPECT_NEAR(coco.ap, (51 * 1.0 + 50 * 2.0 / 3) / 101, kTol);
  EXPECT_NEAR(average_precision(m).ap, coco.ap, 0.0);  // coco101 is the default
  // VOC all points: 0.5 * 1 + 0.5 * 2/3.
  EXPECT_NEAR(average_precision(m, "voc_all").ap, 5.0 / 6, kTol);

  // At IoU 0.9 the shifted box (IoU 9/11 = 0.82) no longer matches.
  const DetectionMatch strict = match_detections(pred, gt, 0, 0.9);
  EXPECT_EQ(strict.tp, (std::vector<int>{1, 0, 0}));
  EXPECT_NEAR(average_precision(strict).ap, 51.0 / 101, kTol);
  EXPECT_NEAR(average_precision(strict, "voc_all").ap, 0.5, kTol);
}

TEST(Detection, RecallLevelsRoundLikeNumpyLinspace) {
  // 20 lesions; ranked predictions: 7 TP, 1 FP, 13 TP. After the 7th TP the
  // recall is 7/20 = 0.35, but numpy.linspace(0, 1, 101)[35] is
  // 0.35000000000000003 > 0.35, so that level takes the envelope of the 9th
  // prediction (20/21), not of the 7th (1): AP = (35 + 66 * 20/21) / 101.
  std::vector<Box> gt, pred;
  for (int k = 0; k < 20; ++k) gt.push_back(box2(20.0 * k, 0, 20.0 * k + 10, 10));
  float score = 1.0f;
  for (int k = 0; k < 20; ++k) {
    if (k == 7) pred.push_back(box2(0, 500, 10, 510, 0, score -= 0.01f));  // the false positive
    pred.push_back(box2(20.0 * k, 0, 20.0 * k + 10, 10, 0, score -= 0.01f));
  }
  const DetectionMatch m = match_detections({pred}, {gt}, 0, 0.5);
  ASSERT_EQ(m.tp.size(), 21u);
  EXPECT_EQ(m.tp[7], 0);
  EXPECT_NEAR(average_precision(m).ap, (35 + 66 * 20.0 / 21) / 101, kTol);
}

TEST(Detection, MatchingTakesTheBestIouAndTiesGoToTheLaterTruth) {
  // P1 overlaps G1 with IoU 7/13 and G2 with 9/11: it takes G2, leaving G1 to
  // P2 (IoU 1). Taking the first truth above 0.5 would leave P2 unmatched.
  BoxesPerImage gt = {{box2(0, 0, 10, 10), box2(4, 0, 14, 10)}};
  BoxesPerImage pred = {{box2(3, 0, 13, 10, 0, 0.9f), box2(0, 0, 10, 10, 0, 0.8f)}};
  EXPECT_EQ(match_detections(pred, gt, 0, 0.5).tp, (std::vector<int>{1, 1}));
  // P1 overlaps G1 and G2 equally (9/11): pycocotools keeps the later (G2),
  // so P2 (IoU 7/13 with G1, 1/3 with G2) is a true positive.
  gt = {{box2(0, 0, 10, 10), box2(2, 0, 12, 10)}};
  pred = {{box2(1, 0, 11, 10, 0, 0.9f), box2(-3, 0, 7, 10, 0, 0.8f)}};
  EXPECT_EQ(match_detections(pred, gt, 0, 0.5).tp, (std::vector<int>{1, 1}));
  // A second prediction on a taken truth is a false positive; another class
  // does not match; other labels are not counted.
  gt = {{box2(0, 0, 10, 10, 0), box2(0, 0, 10, 10, 1)}};
  pred = {{box2(0, 0, 10, 10, 0, 0.9f), box2(0, 0, 10, 10, 0, 0.8f), box2(0, 0, 10, 10, 2, 0.7f)}};
  const DetectionMatch m = match_detections(pred, gt, 0, 0.5);
  EXPECT_EQ(m.tp, (std::vector<int>{1, 0}));
  EXPECT_EQ(m.n_ground_truth, 1);
  // IoU exactly at the threshold matches; IoU 1 matches at threshold 1.
  EXPECT_EQ(match_detections({{box2(0, 0, 10, 10, 0, 1)}}, {{box2(0, 0, 20, 10)}}, 0, 0.5).tp,
            (std::vector<int>{1}));
  EXPECT_EQ(match_detections({{box2(0, 0, 10, 10, 0, 1)}}, {{box2(0, 0, 10, 10)}}, 0, 1.0).tp,
            (std::vector<int>{1}));
}

TEST(Detection, MaxDetectionsKeepsTheBestScoresPerImageAndClass) {
  // The only true positive has the lowest score; with 2 detections kept per
  // image and class it is dropped.
  BoxesPerImage gt = {{box2(0, 0, 10, 10)}, {box2(0, 0, 10, 10)}};
  BoxesPerImage pred = {{box2(0, 0, 10, 10, 0, 0.5f), box2(40, 40, 50, 50, 0, 0.9f),
                         box2(60, 60, 70, 70, 0, 0.7f), box2(0, 0, 10, 10, 1, 0.1f)},
                        {box2(0, 0, 10, 10, 0, 0.6f)}};
  EXPECT_EQ(match_detections(pred, gt, 0, 0.5, 2).tp, (std::vector<int>{0, 0, 1}));
  EXPECT_EQ(match_detections(pred, gt, 0, 0.5).tp, (std::vector<int>{0, 0, 1, 1}));
  const DetectionEvaluation e = evaluate_detections(pred, gt, 2, 2);
  ASSERT_EQ(e.ap50.size(), 2u);
  // Ranked: FP 0.9, FP 0.7, TP 0.6 -> precision 1/3 up to recall 1/2, 0 after.
  EXPECT_NEAR(e.ap50[0], 51 * (1.0 / 3) / 101, kTol);
  EXPECT_TRUE(std::isnan(e.ap50[1]));  // class 1 has no ground truth
  EXPECT_NEAR(e.map50, e.ap50[0], kTol);
  EXPECT_NEAR(e.precision50[0], 1.0 / 3, kTol);
  EXPECT_NEAR(e.recall50[0], 0.5, kTol);
  EXPECT_NEAR(e.precision50[1], 0.0, kTol);
  EXPECT_TRUE(std::isnan(e.recall50[1]));
}

TEST(Detection, ClassWithTruthButNoPredictionScoresZero) {
  BoxesPerImage gt = {{box2(0, 0, 10, 10, 0), box2(0, 0, 10, 10, 1)}};
  BoxesPerImage pred = {{box2(0, 0, 10, 10, 0, 0.9f)}};
  const DetectionEvaluation e = evaluate_detections(pred, gt, 2);
  EXPECT_DOUBLE_EQ(e.ap50[0], 1.0);
  EXPECT_DOUBLE_EQ(e.ap50_95[0], 1.0);
  EXPECT_DOUBLE_EQ(e.ap50[1], 0.0);
  EXPECT_DOUBLE_EQ(e.map50, 0.5);
  EXPECT_TRUE(std::isnan(e.precision50[1]));
  EXPECT_DOUBLE_EQ(e.recall50[1], 0.0);
  EXPECT_DOUBLE_EQ(average_precision(match_detections(pred, gt, 1, 0.5), "voc_all").ap, 0.0);
  // No class has ground truth: every AP and the means are NaN.
  const DetectionEvaluation none = evaluate_detections(pred, {{}}, 2);
  EXPECT_TRUE(std::isnan(none.map50));
  EXPECT_TRUE(std::isnan(none.map50_95));
  EXPECT_TRUE(std::isnan(average_precision(match_detections(pred, {{}}, 0, 0.5)).ap));
}

TEST(Detection, IouThresholdsAreNumpyLinspace) {
  const std::vector<double> t = coco_iou_thresholds();
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t.front(), 0.5);
  EXPECT_EQ(t.back(), 0.95);
  EXPECT_EQ(t[8], 0.8999999999999999);  // numpy.linspace(0.5, 0.95, 10)[8]
}

// ---- random cases against the numpy oracle -------------------------------------

TEST(Detection, RandomCasesMatchNumpyCocoEval) {
  const json& o = oracle();
  ASSERT_FALSE(o.is_null()) << "the oracle failed";
  const auto cases = random_cases();
  ASSERT_EQ(o["detection"].size(), cases.size());
  const std::vector<double> thresholds = coco_iou_thresholds();
  for (size_t i = 0; i < cases.size(); ++i) {
    const DetCase& c = cases[i];
    const json& w = o["detection"][i];
    SCOPED_TRACE(c.name);
    const DetectionEvaluation e =
        evaluate_detections(c.predictions, c.ground_truth, c.num_classes, c.max_detections);
    expect_same_vec(e.ap50, w["ap50"], kTol, "ap50");
    expect_same_vec(e.ap50_95, w["ap50_95"], kTol, "ap50_95");
    expect_same(e.map50, num(w["map50"]), kTol, "map50");
    expect_same(e.map50_95, num(w["map50_95"]), kTol, "map50_95");
    expect_same_vec(e.precision50, w["precision50"], kTol, "precision50");
    expect_same_vec(e.recall50, w["recall50"], kTol, "recall50");
    for (int k = 0; k < c.num_classes; ++k) {
      const std::string cls = " class " + std::to_string(k);
      const DetectionMatch m50 = match_detections(c.predictions, c.ground_truth, k, 0.5,
                                                  c.max_detections);
      EXPECT_EQ(json(m50.tp), w["tp50"][k]) << cls;
      expect_same_vec(m50.scores, w["scores50"][k], 0.0, "scores50" + cls);
      EXPECT_EQ(m50.n_ground_truth, w["n_gt"][k].get<int64_t>()) << cls;
      const DetectionMatch m75 = match_detections(c.predictions, c.ground_truth, k,
                                                  thresholds[5], c.max_detections);
      EXPECT_EQ(json(m75.tp), w["tp75"][k]) << cls;
      expect_same(average_precision(m50, "voc_all").ap, num(w["voc50"][k]), kTol, "voc50" + cls);
      for (size_t t = 0; t < thresholds.size(); ++t) {
        const DetectionMatch m = match_detections(c.predictions, c.ground_truth, k,
                                                  thresholds[t], c.max_detections);
        expect_same(average_precision(m).ap, num(w["ap_per_threshold"][k][t]), kTol,
                    "ap at " + std::to_string(thresholds[t]) + cls);
      }
    }
  }
}

// ---- FROC ----------------------------------------------------------------------

TEST(Froc, TwoImagesWorkedByHand) {
  // Image A: lesions L1, L2. p1 (0.9) hits L1, p2 (0.8) hits L1 again (not a
  // false positive), p3 (0.6) is a false positive, p4 (0.3) hits L2.
  // Image B: lesion L3. p5 (0.7) is a false positive, p6 (0.5) hits L3, p7
  // (0.4) has its centre inside L3 but IoU 100/484 with it.
  BoxesPerImage gt = {{box2(0, 0, 10, 10), box2(50, 50, 60, 60)}, {box2(20, 20, 30, 30)}};
  BoxesPerImage pred = {{box2(0, 0, 10, 10, 0, 0.9f), box2(1, 1, 11, 11, 0, 0.8f),
                         box2(80, 80, 90, 90, 0, 0.6f), box2(50, 50, 60, 60, 0, 0.3f)},
                        {box2(0, 0, 5, 5, 0, 0.7f), box2(21, 21, 31, 31, 0, 0.5f),
                         box2(18, 18, 40, 40, 0, 0.4f)}};
  // Thresholds 0.9 0.8 0.7 0.6 0.5 0.4 0.3; 2 images, 3 lesions.
  const FrocCurve iou = froc(pred, gt);
  EXPECT_EQ(iou.fp_per_image, (std::vector<double>{0, 0, 0, 0.5, 1, 1, 1.5, 1.5}));
  EXPECT_EQ(iou.sensitivity,
            (std::vector<double>{0, 1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1}));
  ASSERT_EQ(iou.thresholds.size(), 8u);
  EXPECT_TRUE(std::isinf(iou.thresholds[0]));
  EXPECT_FLOAT_EQ(static_cast<float>(iou.thresholds[7]), 0.3f);
  // 1/8, 1/4, 1/2: 1/3; 1: 2/3; 2, 4, 8: 1 (step: best point with FP/image <= rate).
  EXPECT_EQ(iou.sensitivity_at,
            (std::vector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3, 2.0 / 3, 1, 1, 1}));
  EXPECT_NEAR(iou.mean_sensitivity, (3 * (1.0 / 3) + 2.0 / 3 + 3) / 7, kTol);

  // Centre inside: p7 hits L3 too, so it is no false positive.
  const FrocCurve centre = froc(pred, gt, FrocHit::CentreInside);
  EXPECT_EQ(centre.fp_per_image, (std::vector<double>{0, 0, 0, 0.5, 1, 1, 1, 1}));
  EXPECT_EQ(centre.sensitivity_at, (std::vector<double>{1.0 / 3, 1.0 / 3, 1.0 / 3, 1, 1, 1, 1}));
  EXPECT_NEAR(centre.mean_sensitivity, 5.0 / 7, kTol);

  // No prediction at all: sensitivity 0 everywhere; no lesion: NaN.
  const FrocCurve empty = froc({{}, {}}, gt);
  EXPECT_EQ(empty.sensitivity_at, std::vector<double>(7, 0.0));
  EXPECT_TRUE(std::isnan(froc(pred, {{}, {}}).mean_sensitivity));
}

TEST(Froc, RandomCasesMatchCamelyonStyleNumpy) {
  const json& o = oracle();
  ASSERT_FALSE(o.is_null()) << "the oracle failed";
  const auto cases = random_cases();
  ASSERT_EQ(o["froc"].size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].name);
    for (const char* rule : {"iou", "centre"}) {
      SCOPED_TRACE(rule);
      const json& w = o["froc"][i][rule];
      const FrocCurve f = froc(cases[i].predictions, cases[i].ground_truth,
                               std::string(rule) == "iou" ? FrocHit::Iou : FrocHit::CentreInside);
      expect_same_vec(f.fp_per_image, w["fp_per_image"], kTol, "fp_per_image");
      expect_same_vec(f.sensitivity, w["sensitivity"], kTol, "sensitivity");
      ASSERT_EQ(f.thresholds.size(), w["thresholds"].size() + 1);
      expect_same_vec(std::vector<double>(f.thresholds.begin() + 1, f.thresholds.end()),
                      w["thresholds"], 0.0, "thresholds");
      expect_same_vec(f.sensitivity_at, w["sensitivity_at"], kTol, "sensitivity_at");
      expect_same(f.mean_sensitivity, num(w["mean_sensitivity"]), kTol, "mean_sensitivity");
    }
  }
}

// ---- localization ----------------------------------------------------------------

TEST(Localization, TwoImagesWorkedByHand) {
  // Image 0: IoU 90/110, centres 1 px apart along x; spacing (0.5, 2) -> 0.5 mm.
  // Image 1: IoU 4/28, centres (2, 2) px apart: 2*sqrt(2) px, sqrt(1 + 16) mm.
  std::vector<Box> pred = {box2(0, 0, 10, 10, 1), box2(0, 0, 4, 4, 2)};
  std::vector<Box> truth = {box2(1, 0, 11, 10, 0), box2(2, 2, 6, 6, 2)};
  const LocalizationResult r = evaluate_localization(pred, truth, {{0.5, 2, 1}, {0.5, 2, 1}});
  EXPECT_NEAR(r.iou[0], 9.0 / 11, kTol);
  EXPECT_NEAR(r.iou[1], 1.0 / 7, kTol);
  EXPECT_NEAR(r.centroid_error_px[0], 1.0, kTol);
  EXPECT_NEAR(r.centroid_error_px[1], 2 * std::sqrt(2.0), kTol);
  EXPECT_NEAR(r.centroid_error_mm[0], 0.5, kTol);
  EXPECT_NEAR(r.centroid_error_mm[1], std::sqrt(17.0), kTol);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.5);
  EXPECT_NEAR(r.mean_iou, (9.0 / 11 + 1.0 / 7) / 2, kTol);
  EXPECT_NEAR(r.mean_centroid_error_mm, (0.5 + std::sqrt(17.0)) / 2, kTol);
  // With classes required, image 0 (label 1 for 0) no longer counts.
  EXPECT_DOUBLE_EQ(evaluate_localization(pred, truth, {}, true).accuracy, 0.0);
  // No spacing: millimetres are pixels.
  const LocalizationResult px = evaluate_localization(pred, truth);
  EXPECT_EQ(px.centroid_error_mm, px.centroid_error_px);
}

TEST(Localization, RandomCasesMatchNumpy) {
  const json& o = oracle();
  ASSERT_FALSE(o.is_null()) << "the oracle failed";
  const auto cases = localization_cases();
  ASSERT_EQ(o["localization"].size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("localization case " + std::to_string(i));
    const json& w = o["localization"][i];
    const auto& c = cases[i];
    const LocalizationResult r =
        evaluate_localization(c.predicted, c.truth, c.spacing, c.require_class);
    expect_same_vec(r.iou, w["iou"], kTol, "iou");
    expect_same_vec(r.centroid_error_px, w["centroid_error_px"], 1e-9, "px");
    expect_same_vec(r.centroid_error_mm, w["centroid_error_mm"], 1e-9, "mm");
    expect_same(r.accuracy, num(w["accuracy"]), kTol, "accuracy");
    expect_same(r.mean_iou, num(w["mean_iou"]), kTol, "mean_iou");
    expect_same(r.mean_centroid_error_px, num(w["mean_centroid_error_px"]), 1e-9, "mean px");
    expect_same(r.mean_centroid_error_mm, num(w["mean_centroid_error_mm"]), 1e-9, "mean mm");
  }
}

// ---- errors ------------------------------------------------------------------------

TEST(Detection, BadBoxesLabelsAndArgumentsAreDataErrors) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const BoxesPerImage ok = {{box2(0, 0, 10, 10)}};
  auto eval = [](const BoxesPerImage& p, const BoxesPerImage& g, int k = 2) {
    return [=] { evaluate_detections(p, g, k); };
  };
  std::string msg = expect_error<DataError>(eval({{box2(nan, 0, 10, 10)}}, ok));
  EXPECT_TRUE(has(msg, "evaluate_detections") && has(msg, "predictions[0] box 0") &&
              has(msg, "NaN")) << msg;
  msg = expect_error<DataError>(eval(ok, {{}, {box2(0, 0, 10, 10), box2(5, 0, 4, 10)}}));
  // (lengths differ first)
  EXPECT_TRUE(has(msg, "mismatched lengths")) << msg;
  msg = expect_error<DataError>(eval({{}, {}}, {{}, {box2(0, 0, 10, 10), box2(5, 0, 4, 10)}}));
  EXPECT_TRUE(has(msg, "ground_truth[1] box 1") && has(msg, "negative size")) << msg;
  msg = expect_error<DataError>(eval({{box2(0, 0, 10, 10, 2)}}, ok));
  EXPECT_TRUE(has(msg, "label 2 is not in [0, 1]")) << msg;
  msg = expect_error<DataError>(eval(ok, {{box2(0, 0, 10, 10, -1)}}));
  EXPECT_TRUE(has(msg, "label -1")) << msg;
  msg = expect_error<DataError>(eval({{box2(0, 0, 1, 1, 0, std::nanf(""))}}, ok));
  EXPECT_TRUE(has(msg, "score is NaN")) << msg;
  msg = expect_error<DataError>(eval({{box3({0, 0, 0}, {1, 1, 1})}}, ok));
  EXPECT_TRUE(has(msg, "3-D") && has(msg, "2-D")) << msg;
  msg = expect_error<DataError>(eval({}, {}));
  EXPECT_TRUE(has(msg, "empty")) << msg;
  msg = expect_error<DataError>(eval(ok, ok, 0));
  EXPECT_TRUE(has(msg, "num_classes")) << msg;
  msg = expect_error<DataError>([&] { match_detections(ok, ok, 0, 1.5); });
  EXPECT_TRUE(has(msg, "iou_threshold")) << msg;
  msg = expect_error<DataError>([&] { box_iou(box2(0, 0, 1, 1), box3({0, 0, 0}, {1, 1, 1})); });
  EXPECT_TRUE(has(msg, "box_iou")) << msg;
  msg = expect_error<ConfigError>(
      [&] { average_precision(match_detections(ok, ok, 0, 0.5), "voc2007"); });
  EXPECT_TRUE(has(msg, "voc2007")) << msg;
}

TEST(Froc, BadInputIsADataError) {
  const BoxesPerImage ok = {{box2(0, 0, 10, 10)}};
  std::string msg = expect_error<DataError>([&] { froc({{box2(0, 0, -1, 10)}}, ok); });
  EXPECT_TRUE(has(msg, "froc") && has(msg, "predictions[0] box 0")) << msg;
  msg = expect_error<DataError>([&] { froc(ok, {{}, {}}); });
  EXPECT_TRUE(has(msg, "mismatched lengths")) << msg;
  msg = expect_error<DataError>([&] { froc(ok, ok, FrocHit::Iou, -0.1); });
  EXPECT_TRUE(has(msg, "iou_threshold")) << msg;
}

TEST(Localization, BadInputIsADataError) {
  const std::vector<Box> one = {box2(0, 0, 10, 10)};
  std::string msg = expect_error<DataError>([&] { evaluate_localization(one, {one[0], one[0]}); });
  EXPECT_TRUE(has(msg, "evaluate_localization") && has(msg, "mismatched lengths")) << msg;
  msg = expect_error<DataError>([&] { evaluate_localization(one, one, {{1, 0, 1}}); });
  EXPECT_TRUE(has(msg, "spacing_mm[0] on axis y")) << msg;
  msg = expect_error<DataError>([&] { evaluate_localization(one, one, {{1, 1, 1}, {1, 1, 1}}); });
  EXPECT_TRUE(has(msg, "spacing_mm has 2 entries")) << msg;
  msg = expect_error<DataError>(
      [&] { evaluate_localization({box2(0, std::nan(""), 1, 1)}, one); });
  EXPECT_TRUE(has(msg, "predicted[0]") && has(msg, "NaN")) << msg;
  msg = expect_error<DataError>([&] { evaluate_localization(one, {box3({0, 0, 0}, {1, 1, 1})}); });
  EXPECT_TRUE(has(msg, "truth[0]")) << msg;
  msg = expect_error<DataError>([&] { evaluate_localization({}, {}); });
  EXPECT_TRUE(has(msg, "empty")) << msg;
}
