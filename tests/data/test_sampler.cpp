// Samplers: ClassBalancedSampler (balance, uniformity within a class,
// determinism, the DataLoader hook) and RandCropByPosNegLabel (foreground
// at the patch centre, pos/(pos+neg) fraction, 2-D and 3-D, padding, image,
// mask and boxes cropped together).
#include <torch/torch.h>

#include <cmath>
#include <set>

#include "../transforms/transform_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/data/loader.h"
#include "medcnn/data/sampler.h"
#include "medcnn/transforms/crop_pad/rand_crop_by_pos_neg_label.h"
#include "test_support.h"

using namespace medcnn;
using nlohmann::json;

namespace {

// 90 cases of class 0, 9 of class 1, 1 of class 2, 2 unlabelled.
std::vector<int64_t> imbalanced_labels() {
  std::vector<int64_t> labels;
  for (int i = 0; i < 102; ++i) labels.push_back(i < 90 ? 0 : i < 99 ? 1 : i == 99 ? 2 : -1);
  std::swap(labels[5], labels[95]);  // classes interleaved, not in blocks
  std::swap(labels[40], labels[101]);
  return labels;
}

// Pearson chi-square of observed counts against equal expected counts.
double chi_square_uniform(const std::vector<int64_t>& counts) {
  double total = 0;
  for (auto c : counts) total += static_cast<double>(c);
  const double e = total / static_cast<double>(counts.size());
  double chi = 0;
  for (auto c : counts) chi += (c - e) * (c - e) / e;
  return chi;
}

}  // namespace

TEST(ClassBalancedSampler, EveryClassDrawnEquallyOften) {
  const auto labels = imbalanced_labels();
  ClassBalancedSampler sampler(labels, 7, 3000);
  EXPECT_EQ(sampler.size(), 3000u);
  ASSERT_EQ(sampler.classes().size(), 3u);
  std::vector<int64_t> per_case(labels.size(), 0);
  for (int64_t epoch = 0; epoch < 5; ++epoch) {
    const auto idx = sampler.epoch_indices(epoch);
    ASSERT_EQ(idx.size(), 3000u);
    std::map<int64_t, int64_t> per_class;
    for (size_t i : idx) {
      ASSERT_LT(i, labels.size());
      ASSERT_GE(labels[i], 0) << "unlabelled case " << i << " drawn";
      ++per_class[labels[i]];
      ++per_case[i];
    }
    for (const auto& [c, n] : per_class) EXPECT_EQ(n, 1000) << "class " << c;
  }
  // Within class 0 (90 cases, 5000 draws) the cases are drawn uniformly:
  // chi-square with 89 degrees of freedom, mean 89, sd 13.3; 5 sd bound.
  std::vector<int64_t> class0;
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == 0) class0.push_back(per_case[i]);
  EXPECT_LT(chi_square_uniform(class0), 89 + 5 * 13.3);
  for (size_t i = 0; i < labels.size(); ++i)
    if (labels[i] == 2) EXPECT_EQ(per_case[i], 5000);  // the lone case of class 2
}

TEST(ClassBalancedSampler, UnevenLengthsAndDefaultLength) {
  const auto labels = imbalanced_labels();
  ClassBalancedSampler sampler(labels, 3, 100);  // 100 = 33 + 33 + 34
  std::map<int64_t, int64_t> total;
  for (int64_t epoch = 0; epoch < 300; ++epoch) {
    std::map<int64_t, int64_t> per_class;
    for (size_t i : sampler.epoch_indices(epoch)) ++per_class[labels[i]];
    for (const auto& [c, n] : per_class) {
      EXPECT_TRUE(n == 33 || n == 34) << n;
      total[c] += n;
    }
  }
  // The extra draw goes to each class about equally often (100 times each).
  for (const auto& [c, n] : total) EXPECT_NEAR(n - 300 * 33, 100, 40) << "class " << c;
  EXPECT_EQ(ClassBalancedSampler(labels, 3).size(), 100u);  // labelled cases
  EXPECT_THROW(ClassBalancedSampler(std::vector<int64_t>(5, -1), 0), DataError);
}

TEST(ClassBalancedSampler, DeterministicPerSeedAndEpoch) {
  const auto labels = imbalanced_labels();
  ClassBalancedSampler a(labels, 11, 500), b(labels, 11, 500), c(labels, 12, 500);
  EXPECT_EQ(a.epoch_indices(3), b.epoch_indices(3));
  EXPECT_NE(a.epoch_indices(3), a.epoch_indices(4));
  EXPECT_NE(a.epoch_indices(3), c.epoch_indices(3));
}

namespace {

// In-memory data set with labels; image i is filled with i.
class LabelledDataset : public Dataset {
 public:
  explicit LabelledDataset(std::vector<int64_t> labels) : labels_(std::move(labels)) {}
  size_t size() const override { return labels_.size(); }
  Sample get(size_t i) const override {
    Sample s;
    s.id = "case" + std::to_string(i);
    s.image = Image::from_tensor(torch::arange(64, torch::kFloat).reshape({1, 8, 8}) +
                                     1000.0 * static_cast<double>(i),
                                 2);
    s.label = labels_[i];
    return s;
  }
  std::vector<int64_t> labels() const override { return labels_; }
  std::string describe() const override { return "labelled"; }

 private:
  std::vector<int64_t> labels_;
};

std::vector<std::vector<float>> drain(DataLoader& loader, int64_t epoch,
                                      std::vector<int64_t>* labels) {
  std::vector<std::vector<float>> out;
  loader.start_epoch(epoch);
  while (auto b = loader.next()) {
    for (int64_t k = 0; k < b->size(); ++k) {
      at::Tensor im = b->images[k].flatten().contiguous();
      out.emplace_back(im.data_ptr<float>(), im.data_ptr<float>() + im.numel());
      if (labels) labels->push_back(b->labels[k].item<int64_t>());
    }
  }
  return out;
}

}  // namespace

TEST(ClassBalancedSampler, DrivesTheDataLoader) {
  const auto labels = imbalanced_labels();
  auto ds = std::make_shared<LabelledDataset>(labels);
  auto sampler = std::make_shared<ClassBalancedSampler>(labels, 5, 300);
  const Compose tf = make_transforms(json::parse(
      R"([{"name": "RandSpatialCrop", "roi_size": [4, 4]}, {"name": "RandFlip", "prob": 0.5}])"));
  std::vector<std::vector<std::vector<float>>> runs;
  for (int workers : {0, 1, 2}) {
    LoaderOptions o;
    o.batch_size = 16;
    o.workers = workers;
    o.seed = 9;
    o.sampler = sampler;
    o.shuffle = true;  // ignored with a sampler
    DataLoader loader(ds, tf, o);
    EXPECT_EQ(loader.batches_per_epoch(), 19u);  // ceil(300 / 16)
    std::vector<int64_t> got_labels;
    runs.push_back(drain(loader, 2, &got_labels));
    ASSERT_EQ(got_labels.size(), 300u);
    std::map<int64_t, int64_t> per_class;
    for (auto l : got_labels) ++per_class[l];
    EXPECT_EQ(per_class[0], 100);
    EXPECT_EQ(per_class[1], 100);
    EXPECT_EQ(per_class[2], 100);
  }
  EXPECT_EQ(runs[0], runs[1]);  // same for any number of workers
  EXPECT_EQ(runs[0], runs[2]);
  // The lone class-2 case comes 100 times; its random crops and flips differ.
  std::set<std::vector<float>> class2;
  for (const auto& im : runs[0])
    if (im[0] >= 99000 && im[0] < 100000) class2.insert(im);
  EXPECT_GT(class2.size(), 20u);

  // Sampler indices past the data set's end are refused.
  LoaderOptions o;
  o.workers = 0;
  o.sampler = std::make_shared<ClassBalancedSampler>(std::vector<int64_t>{0, 1, 0, 1, 1}, 1);
  DataLoader small(std::make_shared<LabelledDataset>(std::vector<int64_t>{0, 1}), tf, o);
  EXPECT_THROW(small.start_epoch(0), DataError);
}

// --- RandCropByPosNegLabel ----------------------------------------------------

namespace {

// A sample whose image value encodes its tensor position (z*10000 + y*100 + x),
// with an object of `label` in [lo, hi) (tensor order) and its box.
Sample coded_sample(const std::vector<int64_t>& shape, const std::vector<int64_t>& lo,
                    const std::vector<int64_t>& hi) {
  Sample s = test::object_sample(shape, lo, hi, 1);
  const int dims = static_cast<int>(shape.size());
  at::Tensor code = torch::zeros(shape, torch::kFloat);
  int64_t mult = 1;
  for (int a = dims - 1; a >= 0; --a) {
    std::vector<int64_t> view(dims, 1);
    view[a] = shape[a];
    code = code + torch::arange(shape[a], torch::kFloat).reshape(view) * static_cast<double>(mult);
    mult *= 100;
  }
  s.image.data = code.unsqueeze(0);
  s.image.geometry.spacing = {0.5, 0.7, 1.3};
  s.image.geometry.origin = {10, -20, 5};
  s.mask->geometry = s.image.geometry;
  return s;
}

RandCropByPosNegLabel make_crop(const std::string& params) {
  return RandCropByPosNegLabel(json::parse(params));
}

// Start of the crop (tensor order) read from the coded image's first voxel.
std::vector<int64_t> crop_start(const Sample& s) {
  const int dims = s.image.dims();
  int64_t v = static_cast<int64_t>(s.image.data.flatten()[0].item<float>());
  std::vector<int64_t> start(dims);
  for (int a = dims - 1; a >= 0; --a) {
    start[a] = v % 100;
    v /= 100;
  }
  return start;
}

at::Tensor at_centre(const at::Tensor& spatial, const std::vector<int64_t>& size) {
  at::Tensor t = spatial;
  for (int64_t c : size) t = t.select(0, c / 2);
  return t;
}

}  // namespace

TEST(RandCropByPosNegLabel, PositivePatchesAreCentredOnForeground2D3D) {
  struct Case {
    std::vector<int64_t> shape, lo, hi, size;
  };
  for (const Case& c : {Case{{64, 64}, {30, 20}, {35, 25}, {16, 16}},
                        Case{{32, 40, 36}, {14, 18, 15}, {17, 21, 18}, {8, 12, 10}}}) {
    const Sample original = coded_sample(c.shape, c.lo, c.hi);
    json p = {{"spatial_size", c.size}, {"pos", 1}, {"neg", 0}};
    RandCropByPosNegLabel crop(p);
    const Box box0 = original.boxes.at(0);
    std::set<std::vector<int64_t>> starts;
    for (uint64_t seed = 0; seed < 100; ++seed) {
      Sample s = original;
      Rng rng(seed);
      crop.apply(s, rng);
      ASSERT_EQ(s.image.spatial_shape(), c.size);
      ASSERT_EQ(s.mask->spatial_shape(), c.size);
      EXPECT_NE(at_centre(s.mask->data[0], c.size).item<int>(), 0) << "seed " << seed;
      // Image and mask were cropped at the same place.
      const auto start = crop_start(s);
      starts.insert(start);
      at::Tensor want = original.mask->data;
      for (size_t a = 0; a < c.size.size(); ++a)
        want = want.narrow(static_cast<int64_t>(a) + 1, start[a], c.size[a]);
      EXPECT_TRUE(torch::equal(s.mask->data, want)) << "seed " << seed;
      // The object is inside the patch: its box is the mask's box, and its
      // physical position is unchanged.
      ASSERT_EQ(s.boxes.size(), 1u);
      const Box mb = test::mask_bbox(s.mask->data);
      for (size_t j = 0; j < c.size.size(); ++j) {
        EXPECT_DOUBLE_EQ(s.boxes[0].lo[j], mb.lo[j]);
        EXPECT_DOUBLE_EQ(s.boxes[0].hi[j], mb.hi[j]);
      }
      const auto p0 = test::box_point_physical(original.image.geometry, box0.lo);
      const auto p1 = test::box_point_physical(s.image.geometry, s.boxes[0].lo);
      for (int j = 0; j < 3; ++j) EXPECT_NEAR(p0[j], p1[j], 1e-9);
    }
    EXPECT_GT(starts.size(), 5u);  // the foreground voxel is drawn at random
  }
}

TEST(RandCropByPosNegLabel, ForegroundFractionFollowsPosNeg) {
  // A 5x5 object in a 64x64 image: a random centre hits it with
  // q = 25/4096 (a clamped centre never does), so foreground-centred
  // patches come with probability p + (1 - p) q.
  const Sample original = coded_sample({64, 64}, {30, 20}, {35, 25});
  const double q = 25.0 / 4096.0;
  for (auto [pos, neg] : {std::pair<double, double>{1, 3}, {1, 1}, {3, 1}}) {
    RandCropByPosNegLabel crop(json{{"spatial_size", 16}, {"pos", pos}, {"neg", neg}});
    const int n = 2000;
    int fg = 0;
    Rng rng(static_cast<uint64_t>(pos * 10 + neg));
    for (int i = 0; i < n; ++i) {
      Sample s = original;
      crop.apply(s, rng);
      fg += at_centre(s.mask->data[0], {16, 16}).item<int>() != 0;
    }
    const double p = pos / (pos + neg), expect = p + (1 - p) * q;
    const double sd = std::sqrt(expect * (1 - expect) / n);
    EXPECT_NEAR(static_cast<double>(fg) / n, expect, 4.5 * sd) << "pos " << pos << " neg " << neg;
  }
  // 3-D, pos = neg.
  const Sample vol = coded_sample({24, 24, 24}, {10, 10, 10}, {13, 13, 13});
  RandCropByPosNegLabel crop3(json{{"spatial_size", {6, 6, 6}}, {"pos", 1}, {"neg", 1}});
  Rng rng(5);
  int fg = 0;
  const int n = 800;
  for (int i = 0; i < n; ++i) {
    Sample s = vol;
    crop3.apply(s, rng);
    fg += at_centre(s.mask->data[0], {6, 6, 6}).item<int>() != 0;
  }
  const double expect = 0.5 + 0.5 * 27.0 / (24 * 24 * 24);
  EXPECT_NEAR(static_cast<double>(fg) / n, expect, 4.5 * std::sqrt(expect * (1 - expect) / n));
}

TEST(RandCropByPosNegLabel, NegativeBackgroundNeverCentresOnForeground) {
  const Sample original = coded_sample({32, 32}, {10, 10}, {20, 20});
  RandCropByPosNegLabel crop(
      json{{"spatial_size", 8}, {"pos", 0}, {"neg", 1}, {"negative", "background"}});
  Rng rng(1);
  int fg = 0;
  for (int i = 0; i < 300; ++i) {
    Sample s = original;
    crop.apply(s, rng);
    // The chosen voxel is background; with clamping it may move, so check
    // the unclamped case: patches whose start is in the interior.
    const auto st = crop_start(s);
    if (st[0] > 0 && st[0] < 24 && st[1] > 0 && st[1] < 24)
      fg += at_centre(s.mask->data[0], {8, 8}).item<int>() != 0;
  }
  EXPECT_EQ(fg, 0);
}

TEST(RandCropByPosNegLabel, PadsSmallImagesAndIsDeterministic) {
  Sample original = coded_sample({10, 12}, {3, 4}, {6, 7});
  original.image.data += 1;  // so padding (value -5) is told apart
  RandCropByPosNegLabel crop(json{{"spatial_size", {16, 8}}, {"pos", 1}, {"neg", 0}, {"value", -5}});
  Sample a = original, b = original;
  Rng r1(3), r2(3);
  crop.apply(a, r1);
  crop.apply(b, r2);
  EXPECT_TRUE(torch::equal(a.image.data, b.image.data));
  ASSERT_EQ(a.image.spatial_shape(), (std::vector<int64_t>{16, 8}));
  ASSERT_EQ(a.mask->spatial_shape(), (std::vector<int64_t>{16, 8}));
  // Axis 0 was padded 3 before and 3 after with -5; the mask with 0.
  EXPECT_EQ(a.image.data[0][0].eq(-5).sum().item<int64_t>(), 8);
  EXPECT_EQ(a.image.data[0][15].eq(-5).sum().item<int64_t>(), 8);
  EXPECT_EQ(a.mask->data.ne(0).sum().item<int64_t>(), 9);  // the 3x3 object, whole
  EXPECT_NE(at_centre(a.mask->data[0], {16, 8}).item<int>(), 0);
  ASSERT_EQ(a.boxes.size(), 1u);
  EXPECT_DOUBLE_EQ(a.boxes[0].lo[1], 6.0);  // y: 3 + 3 padded rows
}

TEST(RandCropByPosNegLabel, EmptyMaskFallsBackAndErrorsAreClear) {
  Sample s = coded_sample({20, 20}, {0, 0}, {0, 0});  // no foreground
  RandCropByPosNegLabel crop(json{{"spatial_size", 8}, {"pos", 1}, {"neg", 0}});
  Rng rng(0);
  crop.apply(s, rng);
  EXPECT_EQ(s.image.spatial_shape(), (std::vector<int64_t>{8, 8}));

  Sample no_mask = coded_sample({20, 20}, {2, 2}, {4, 4});
  no_mask.mask.reset();
  EXPECT_THROW(crop.apply(no_mask, rng), DataError);
  EXPECT_THROW(make_crop(R"({})"), ConfigError);
  EXPECT_THROW(make_crop(R"({"spatial_size": 8, "pos": 0, "neg": 0})"), ConfigError);
  EXPECT_THROW(make_crop(R"({"spatial_size": 8, "pos": -1})"), ConfigError);
  EXPECT_THROW(make_crop(R"({"spatial_size": 8, "negative": "edge"})"), ConfigError);
  EXPECT_THROW(make_crop(R"({"spatial_size": 8, "num_samples": 4})"), ConfigError);
  // Registered by name.
  auto t = TransformRegistry::instance().create("RandCropByPosNegLabel", json{{"spatial_size", 4}});
  EXPECT_TRUE(t->is_spatial());
  EXPECT_TRUE(t->is_random());
}
