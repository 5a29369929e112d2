// The adapted Rand error (ISBI 2012) and face-connected components: a case
// worked by hand, and seeded random label maps in 2-D and 3-D against
// scikit-image (tests/oracles/rand_skimage.py: measure.label with
// connectivity 1, metrics.adapted_rand_error), also through
// evaluate_segmentation_case's "rand_error".
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "medcnn/metrics/rand_error.h"
#include "medcnn/metrics/segmentation_evaluation.h"
#include "test_support.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

namespace {

TEST(RandError, WorkedByHand) {
  // truth 1 1 2 2, test one segment: pairs = (2^2 + 2^2) - 4 = 4; truth pairs
  // 4, test pairs 4^2 - 4 = 12: precision 1/3, recall 1, F 1/2, error 1/2.
  const std::vector<int64_t> truth{1, 1, 2, 2, 0}, test{7, 7, 7, 7, 3};  // truth 0 ignored
  RandScores r = adapted_rand_error(truth.data(), test.data(), truth.size());
  EXPECT_DOUBLE_EQ(r.precision, 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.recall, 1.0);
  EXPECT_DOUBLE_EQ(r.error, 0.5);
  // The same partition under other names: no error.
  const std::vector<int64_t> same{5, 5, 9, 9, 9};
  EXPECT_DOUBLE_EQ(adapted_rand_error(truth.data(), same.data(), 5).error, 0.0);
  // Nothing counted: undefined.
  const std::vector<int64_t> none{0, 0};
  EXPECT_TRUE(std::isnan(adapted_rand_error(none.data(), none.data(), 2).error));
  // Components with face connectivity: the diagonal pair is two objects.
  //   1 1 0
  //   0 0 1
  //   1 0 1
  Grid g;
  g.shape = {3, 3};
  const std::vector<uint8_t> mask{1, 1, 0, 0, 0, 1, 1, 0, 1};
  std::vector<int64_t> labels;
  EXPECT_EQ(label_components(mask.data(), g, labels), 3);
  EXPECT_EQ(labels, (std::vector<int64_t>{1, 1, 0, 0, 0, 2, 3, 0, 2}));
}

TEST(RandError, RandomLabelMapsAgreeWithScikitImage) {
  std::mt19937 rng(17);
  struct Case {
    Grid grid;
    std::vector<int64_t> pred, ref;
  };
  std::vector<Case> cases;
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{23, 31}, {40, 40}, {9, 11, 13}, {16, 16}, {5, 7, 6}}) {
    Case c;
    c.grid.shape = shape;
    const size_t n = c.grid.voxels();
    // Blocky random maps (values held over runs), so that objects span many voxels.
    std::uniform_int_distribution<int> cls(0, 2), run(1, 6);
    for (auto* v : {&c.pred, &c.ref}) {
      int64_t value = 0;
      int left = 0;
      for (size_t i = 0; i < n; ++i) {
        if (left-- <= 0) value = cls(rng), left = run(rng);
        v->push_back(value);
      }
    }
    // Sometimes the prediction is the reference with a few voxels changed.
    if (cases.size() == 3)
      for (size_t i = 0; i < n; ++i) c.pred[i] = i % 17 == 0 ? (c.ref[i] + 1) % 3 : c.ref[i];
    cases.push_back(c);
  }
  json spec{{"cases", json::array()}};
  for (const Case& c : cases)
    for (int64_t cls : {1, 2})
      spec["cases"].push_back({{"shape", c.grid.shape}, {"pred", c.pred}, {"ref", c.ref},
                               {"class", cls}});
  TempDir dir;
  write_text(dir.file("rand.json"), spec.dump());
  const json out = run_oracle("rand_skimage.py", {dir.file("rand.json")});
  size_t k = 0;
  for (const Case& c : cases) {
    SegmentationMetricOptions o;
    o.num_classes = 3;
    o.metrics = {"rand_error"};
    const json e = evaluate_segmentation_case(c.pred.data(), c.ref.data(), c.grid, o);
    for (int64_t cls : {1, 2}) {
      const json& want = out["cases"][k++];
      SCOPED_TRACE("case " + std::to_string(k) + " class " + std::to_string(cls));
      std::vector<uint8_t> mask;
      for (int64_t v : c.pred) mask.push_back(v == cls);
      std::vector<int64_t> labels;
      EXPECT_EQ(label_components(mask.data(), c.grid, labels), want["n_pred"].get<int64_t>());
      EXPECT_EQ(labels, want["pred_components"].get<std::vector<int64_t>>());
      const json& got = e["per_class"][size_t(cls - 1)]["rand_error"];
      if (want["rand_error"].is_null()) {
        EXPECT_TRUE(got.is_null());
      } else {
        EXPECT_NEAR(got.get<double>(), want["rand_error"].get<double>(), 1e-12);
      }
    }
  }
  // The near-copy scores far better than the random maps.
  EXPECT_LT(out["cases"][6]["rand_error"].get<double>(), out["cases"][0]["rand_error"].get<double>());
}

}  // namespace
