// WindowDataset (the pyramid localizer's training windows) on a small
// synthetic one-box data set: labels, IoU of positives (>= 0.6) and
// negatives (< 0.3) against the object computed here, windows inside the
// image with integer corners, the crop's pixels (a linear ramp's mean is
// its value at the window's centre), determinism and independence of the
// split, the preprocessing moving the box, and bad input.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/data/window_dataset.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;

namespace {

// 12 images 80 x 100 (H x W) holding a ramp 0.01 x + 0.1 y; case i has one
// box of side 10 + 3 i (class i % 2) at varying places; `extra` adds a
// second box to case 5.
class ToyBoxes : public Dataset {
 public:
  explicit ToyBoxes(bool extra = false) : extra_(extra) {}
  size_t size() const override { return 12; }
  Sample get(size_t i) const override {
    Sample s;
    s.id = "case" + std::to_string(i);
    at::Tensor x = torch::arange(100, torch::kFloat).mul(0.01).view({1, 1, 100});
    at::Tensor y = torch::arange(80, torch::kFloat).mul(0.1).view({1, 80, 1});
    s.image = Image::from_tensor((x + y).contiguous(), 2);
    Box b;
    const double side = 10 + 3 * double(i);
    b.lo = {double(5 * i) + 2, double(3 * i) + 1, 0};
    b.hi = {b.lo[0] + side, b.lo[1] + side * 0.8, 0};
    b.label = int(i % 2);
    s.boxes = {b};
    if (extra_ && i == 5) s.boxes.push_back(b);
    s.label = int64_t(i % 2);
    return s;
  }
  std::vector<int64_t> labels() const override {
    std::vector<int64_t> l;
    for (size_t i = 0; i < size(); ++i) l.push_back(int64_t(i % 2));
    return l;
  }
  std::vector<std::string> class_names() const override { return {"round", "spiky"}; }
  std::string describe() const override { return "toy boxes"; }

 private:
  bool extra_;
};

double iou(const Box& a, const Box& b) {
  const double iw = std::max(0.0, std::min(a.hi[0], b.hi[0]) - std::max(a.lo[0], b.lo[0]));
  const double ih = std::max(0.0, std::min(a.hi[1], b.hi[1]) - std::max(a.lo[1], b.lo[1]));
  const double inter = iw * ih;
  return inter / ((a.hi[0] - a.lo[0]) * (a.hi[1] - a.lo[1]) +
                  (b.hi[0] - b.lo[0]) * (b.hi[1] - b.lo[1]) - inter);
}

Box parse_window(const std::string& text) {
  std::istringstream in(text);
  Box w;
  in >> w.lo[0] >> w.lo[1] >> w.hi[0] >> w.hi[1];
  return w;
}

}  // namespace

TEST(WindowDataset, LabelsOverlapsPixelsAndShape) {
  auto base = std::make_shared<ToyBoxes>();
  WindowDatasetOptions o;
  o.window_size = {32, 32};
  o.positives = 4;
  o.negatives = 6;
  o.negative_iou = 0.3;
  o.seed = 3;
  WindowDataset ds(base, o);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"background", "round", "spiky"}));
  ASSERT_EQ(ds.size(), 12u * 10u);
  const auto labels = ds.labels();
  int pos = 0, neg = 0;
  for (size_t i = 0; i < ds.size(); ++i) {
    Sample s = ds.get(i);
    const size_t c = ds.case_of(i);
    const Sample truth = base->get(c);
    const Box w = parse_window(s.meta.at("window"));
    ASSERT_EQ(s.image.data.sizes(), (std::vector<int64_t>{1, 32, 32})) << s.id;
    EXPECT_EQ(s.label, labels[i]);
    EXPECT_EQ(s.id.rfind(truth.id + "#", 0), 0u) << s.id;
    for (int a = 0; a < 2; ++a) {
      EXPECT_EQ(w.lo[a], std::floor(w.lo[a]));
      EXPECT_EQ(w.hi[a], std::floor(w.hi[a]));
      EXPECT_GE(w.lo[a], 0);
      EXPECT_GT(w.hi[a], w.lo[a]);
    }
    EXPECT_LE(w.hi[0], 100);
    EXPECT_LE(w.hi[1], 80);
    const double overlap = iou(w, truth.boxes[0]);
    if (s.label > 0) {
      ++pos;
      EXPECT_EQ(s.label, truth.boxes[0].label + 1) << s.id;
      EXPECT_GE(overlap, 0.6) << s.id << " " << s.meta.at("window");
    } else {
      ++neg;
      EXPECT_LT(overlap, 0.3) << s.id << " " << s.meta.at("window");
    }
    // bilinear resizing keeps a linear ramp's mean: its value at the window's
    // centre (pixel k holds the ramp at index k)
    const double cx = (w.lo[0] + w.hi[0]) / 2 - 0.5, cy = (w.lo[1] + w.hi[1]) / 2 - 0.5;
    EXPECT_NEAR(s.image.data.mean().item<double>(), 0.01 * cx + 0.1 * cy, 1e-3) << s.id;
  }
  EXPECT_EQ(pos, 48);
  EXPECT_EQ(neg, 72);
  // negatives come at the pyramid's sides: 8 distinct-ish sizes, not one
  std::set<double> heights;
  for (size_t i = 0; i < ds.size(); ++i)
    if (labels[i] == 0) heights.insert(ds.window(i).extent(1));
  EXPECT_GE(heights.size(), 4u);
}

TEST(WindowDataset, DeterministicAndIndependentOfTheSplit) {
  auto base = std::make_shared<ToyBoxes>();
  WindowDatasetOptions o;
  o.window_size = {16, 16};
  o.positives = 3;
  o.negatives = 5;
  o.seed = 7;
  WindowDataset a(base, o), b(base, o);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.window(i).lo, b.window(i).lo);
    EXPECT_EQ(a.window(i).hi, b.window(i).hi);
  }
  EXPECT_TRUE(a.get(5).image.data.equal(b.get(5).image.data));
  // the windows of case 7 are the same when it is the first case of a subset
  WindowDataset sub(std::make_shared<Subset>(base, std::vector<size_t>{7, 2}), o);
  for (size_t k = 0; k < 8; ++k) {
    EXPECT_EQ(sub.window(k).lo, a.window(7 * 8 + k).lo);
    EXPECT_EQ(sub.window(k).hi, a.window(7 * 8 + k).hi);
  }
  // another seed draws other windows
  o.seed = 8;
  WindowDataset c(base, o);
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += a.window(i).lo != c.window(i).lo;
  EXPECT_GT(differ, int(a.size()) / 2);
}

TEST(WindowDataset, PreprocessMovesTheBoxAndBadInputFails) {
  auto base = std::make_shared<ToyBoxes>();
  WindowDatasetOptions o;
  o.window_size = {16, 16};
  o.positives = 2;
  o.negatives = 2;
  o.preprocess = std::make_shared<Compose>(
      make_transforms(nlohmann::json::array({{{"name", "Resize"}, {"spatial_size", {40, 50}}}})));
  WindowDataset ds(base, o);
  for (size_t i = 0; i < ds.size(); ++i) {
    Box truth = base->get(ds.case_of(i)).boxes[0];
    for (int a = 0; a < 2; ++a) {  // half size on both axes
      truth.lo[a] /= 2;
      truth.hi[a] /= 2;
    }
    EXPECT_NEAR(ds.object_box(ds.case_of(i)).lo[0], truth.lo[0], 1e-9);
    EXPECT_NEAR(ds.object_box(ds.case_of(i)).hi[1], truth.hi[1], 1e-9);
    const Box& w = ds.window(i);
    EXPECT_LE(w.hi[0], 50);
    EXPECT_LE(w.hi[1], 40);
    if (ds.labels()[i] > 0) EXPECT_GE(iou(w, truth), 0.6);
    else EXPECT_LT(iou(w, truth), 0.45);  // the default negative_iou
  }
  // without the cache: the same pixels, read again
  WindowDatasetOptions u = o;
  u.cache_images = false;
  WindowDataset unc(base, u);
  EXPECT_TRUE(unc.get(3).image.data.equal(ds.get(3).image.data));

  std::string e = mt::expect_error<DataError>(
      [] { WindowDataset(std::make_shared<ToyBoxes>(true), WindowDatasetOptions{}); });
  EXPECT_TRUE(mt::has(e, "case5")) << e;
  WindowDatasetOptions bad;
  bad.window_size = {16, 16, 16};
  e = mt::expect_error<ConfigError>([&] { WindowDataset(base, bad); });
  EXPECT_TRUE(mt::has(e, "localization.window_size")) << e;
}
