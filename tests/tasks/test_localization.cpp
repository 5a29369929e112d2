// Localization: the loss against PyTorch (smooth-L1 + GIoU + cross-entropy
// written out in tests/oracles/localization_torch.py), box decoding worked
// by hand, the task's metrics on cases worked by hand, and the BCCD
// single-WBC view against the VOC files read with ElementTree.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/data/single_object_dataset.h"
#include "medcnn/data/sources.h"
#include "medcnn/tasks/localization.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

Box box(double x0, double y0, double x1, double y1, int label = 0) {
  Box b;
  b.lo = {x0, y0, 0};
  b.hi = {x1, y1, 0};
  b.label = label;
  return b;
}

Batch batch_of(const std::vector<Box>& boxes, const std::vector<int64_t>& labels, int64_t h,
               int64_t w) {
  Batch b;
  for (size_t i = 0; i < boxes.size(); ++i) {
    b.ids.push_back("case" + std::to_string(i));
    b.boxes.push_back({boxes[i]});
  }
  b.images = torch::zeros({int64_t(boxes.size()), 1, h, w});
  b.labels = torch::tensor(labels);
  return b;
}

TEST(Localization, LossMatchesPyTorch) {
  for (int64_t k : {1, 3}) {
    SCOPED_TRACE("classes " + std::to_string(k));
    torch::manual_seed(k);
    at::Tensor out = torch::randn({4, k + 4}) * 2;
    std::vector<Box> boxes = {box(3, 5, 20, 30), box(0, 0, 64, 48), box(40, 10, 50, 12),
                              box(10, 20, 11, 21)};
    std::vector<int64_t> labels = {0, k - 1, 0, k > 1 ? 1 : 0};
    LocalizationOptions o;
    o.class_names.resize(k, "c");
    o.box_weight = 3.0;
    o.giou_weight = 1.5;
    LocalizationTask task(o);
    const double got = task.loss(out, batch_of(boxes, labels, 48, 64)).item<double>();
    nlohmann::json c = {{"k", k}, {"size", {48, 64}}, {"labels", labels}, {"box_weight", 3.0},
                        {"giou_weight", 1.5}};
    for (int64_t i = 0; i < 4; ++i) {
      std::vector<double> row;
      for (int64_t j = 0; j < k + 4; ++j) row.push_back(out[i][j].item<double>());
      c["output"].push_back(row);
      c["boxes"].push_back({boxes[i].lo[0], boxes[i].lo[1], boxes[i].hi[0], boxes[i].hi[1]});
    }
    mt::TempDir dir;
    mt::write_text(dir.file("case.json"), c.dump());
    const nlohmann::json ref = mt::run_oracle("localization_torch.py", {"loss", dir.file("case.json")});
    EXPECT_NEAR(got, ref.at("loss").get<double>(), 1e-5);
  }
}

TEST(Localization, DecodesBoxesAndScoresCasesWorkedByHand) {
  // sigmoid(0) = 0.5: centre of the image, half its size; logit(0.25) for a quarter.
  const double q = std::log(0.25 / 0.75);
  at::Tensor out = torch::tensor({{2.0, 0.0, 0.0, 0.0, 0.0, 0.0}, {0.0, 1.0, q, q, q, q}});
  std::vector<std::vector<double>> probs;
  std::vector<Box> b = decode_localization(out, 2, {40, 80}, &probs);  // H 40, W 80
  EXPECT_NEAR(b[0].lo[0], 20, 1e-9);
  EXPECT_NEAR(b[0].hi[0], 60, 1e-9);
  EXPECT_NEAR(b[0].lo[1], 10, 1e-9);
  EXPECT_NEAR(b[0].hi[1], 30, 1e-9);
  EXPECT_EQ(b[0].label, 0);
  EXPECT_NEAR(probs[0][0], 1 / (1 + std::exp(-2.0)), 1e-9);
  EXPECT_EQ(b[1].label, 1);
  EXPECT_NEAR(b[1].lo[0], 20 - 10, 1e-5);  // centre 20, width 20
  EXPECT_NEAR(b[1].hi[1], 10 + 5, 1e-5);   // centre 10, height 10

  // Task metrics: case 0 predicted exactly (IoU 1), case 1 by hand.
  LocalizationOptions o;
  o.class_names = {"a", "b"};
  LocalizationTask task(o);
  task.reset();
  task.accumulate(out, batch_of({box(20, 10, 60, 30, 0), box(10, 5, 30, 20, 1)}, {0, 1}, 40, 80));
  // case 1: predicted [10,30]x[5,15], truth [10,30]x[5,20]: IoU = 200 / 300,
  // centres (20, 10) and (20, 12.5).
  auto m = task.metrics();
  EXPECT_NEAR(m.at("mean_iou"), (1.0 + 2.0 / 3) / 2, 1e-6);
  EXPECT_NEAR(m.at("accuracy"), 1.0, 1e-9);  // both IoU >= 0.5 with the right class
  EXPECT_NEAR(m.at("class_accuracy"), 1.0, 1e-9);
  const nlohmann::json e = task.evaluation();
  EXPECT_NEAR(e["cases"][1]["centroid_error_px"].get<double>(), 2.5, 1e-5);

  // A case with two boxes is a named error.
  Batch two = batch_of({box(0, 0, 1, 1)}, {0}, 40, 80);
  two.boxes[0].push_back(box(2, 2, 3, 3));
  const std::string msg = mt::expect_error<DataError>([&] { task.loss(out.narrow(0, 0, 1), two); });
  EXPECT_TRUE(mt::has(msg, "case0")) << msg;
  EXPECT_TRUE(mt::has(msg, "exactly one box")) << msg;
}

TEST(Localization, BccdSingleWhiteCellViewMatchesTheVocFiles) {
  MEDCNN_REQUIRE_DATA(root, "bccd/BCCD");
  auto view = std::make_shared<SingleObjectDataset>(open_dataset(root, "trainval"),
                                                    std::vector<std::string>{"WBC"});
  const nlohmann::json ref = mt::run_oracle("localization_torch.py", {"bccd", root, "WBC", "trainval"});
  EXPECT_EQ(int64_t(view->size()), ref.at("kept").get<int64_t>());
  Sample s = view->get(0);
  ASSERT_EQ(s.boxes.size(), 1u);
  EXPECT_EQ(s.boxes[0].class_name, "WBC");
  EXPECT_EQ(s.label, 0);
  EXPECT_EQ(view->class_names(), std::vector<std::string>{"WBC"});
}

}  // namespace
