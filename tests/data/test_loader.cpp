// DataLoader: determinism across worker counts and caching, error
// propagation from workers, collation errors, batch counts, clean shutdown.
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "medcnn/core/error.h"
#include "medcnn/data/loader.h"
#include "test_support.h"

using namespace medcnn;

namespace {

// In-memory data set: image i is a seeded random 1x20x24 image with a
// rectangle object in its mask and a matching box. Optional failure index,
// odd-shaped index and a read counter.
class SyntheticDataset : public Dataset {
 public:
  explicit SyntheticDataset(size_t n) : n_(n) {}
  size_t size() const override { return n_; }
  Sample get(size_t i) const override {
    ++reads;
    const int now = ++active;
    for (int seen = max_active.load(); now > seen && !max_active.compare_exchange_weak(seen, now);) {
    }
    if (delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    --active;
    if (static_cast<int64_t>(i) == fail_at) throw DataError("case" + std::to_string(i), "broken file");
    if (static_cast<int64_t>(i) == fail_std_at) throw std::out_of_range("not a medcnn error");
    Sample s;
    s.id = "case" + std::to_string(i);
    const int64_t w = static_cast<int64_t>(i) == odd_at ? 25 : 24;
    auto gen = at::detail::createCPUGenerator(1000 + i);
    s.image = Image::from_tensor(torch::rand({1, 20, w}, gen) * 100, 2);
    at::Tensor m = torch::zeros({1, 20, w}, torch::kUInt8);
    const int64_t y0 = 2 + i % 5, x0 = 3 + i % 7;
    m.index_put_({0, torch::indexing::Slice(y0, y0 + 6), torch::indexing::Slice(x0, x0 + 9)}, 1);
    s.mask = Image::from_tensor(m, 2);
    Box b;
    b.lo = {static_cast<double>(x0), static_cast<double>(y0), 0};
    b.hi = {static_cast<double>(x0 + 9), static_cast<double>(y0 + 6), 0};
    b.label = 0;
    s.boxes = {b};
    s.label = static_cast<int64_t>(i % 3);
    return s;
  }
  std::string describe() const override { return "synthetic"; }

  size_t n_;
  int64_t fail_at = -1, fail_std_at = -1, odd_at = -1;
  int delay_ms = 0;
  mutable std::atomic<int> reads{0}, active{0}, max_active{0};
};

Compose random_pipeline() {
  return make_transforms(nlohmann::json::parse(R"([
    {"name": "NormalizeIntensity"},
    {"name": "RandFlip", "prob": 0.5, "spatial_axis": [0, 1]},
    {"name": "RandSpatialCrop", "roi_size": [12, 16]}
  ])"));
}

std::vector<Batch> read_epoch(DataLoader& loader, int64_t epoch) {
  loader.start_epoch(epoch);
  std::vector<Batch> out;
  while (auto b = loader.next()) out.push_back(std::move(*b));
  return out;
}

void expect_same(const std::vector<Batch>& a, const std::vector<Batch>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].ids, b[k].ids);
    EXPECT_TRUE(torch::equal(a[k].images, b[k].images)) << "batch " << k;
    EXPECT_TRUE(torch::equal(a[k].masks, b[k].masks)) << "batch " << k;
    EXPECT_TRUE(torch::equal(a[k].labels, b[k].labels)) << "batch " << k;
    ASSERT_EQ(a[k].boxes.size(), b[k].boxes.size());
    for (size_t i = 0; i < a[k].boxes.size(); ++i) {
      ASSERT_EQ(a[k].boxes[i].size(), b[k].boxes[i].size());
      for (size_t j = 0; j < a[k].boxes[i].size(); ++j) {
        EXPECT_EQ(a[k].boxes[i][j].lo, b[k].boxes[i][j].lo);
        EXPECT_EQ(a[k].boxes[i][j].hi, b[k].boxes[i][j].hi);
      }
    }
  }
}

}  // namespace

TEST(Loader, SameBatchesForZeroOneAndTwoWorkers) {
  auto ds = std::make_shared<SyntheticDataset>(23);
  std::vector<std::vector<Batch>> runs;
  for (int workers : {0, 1, 2}) {
    LoaderOptions o;
    o.batch_size = 4;
    o.shuffle = true;
    o.workers = workers;
    o.prefetch = 2;
    o.seed = 99;
    DataLoader loader(ds, random_pipeline(), o);
    auto e0 = read_epoch(loader, 0), e1 = read_epoch(loader, 1);
    ASSERT_EQ(e0.size(), 6u);
    // Shuffled per epoch: the two epochs differ in order.
    EXPECT_NE(e0[0].ids, e1[0].ids);
    e0.insert(e0.end(), e1.begin(), e1.end());
    runs.push_back(std::move(e0));
  }
  EXPECT_EQ(runs[0][0].images.sizes(), (std::vector<int64_t>{4, 1, 12, 16}));
  EXPECT_EQ(runs[0][0].masks.scalar_type(), torch::kLong);
  EXPECT_EQ(runs[0][0].masks.sizes(), (std::vector<int64_t>{4, 1, 12, 16}));
  expect_same(runs[0], runs[1]);
  expect_same(runs[0], runs[2]);
}

TEST(Loader, CacheGivesTheSameBatchesAndReadsEachCaseOnce) {
  auto plain = std::make_shared<SyntheticDataset>(10);
  auto cached = std::make_shared<SyntheticDataset>(10);
  LoaderOptions o;
  o.batch_size = 3;
  o.shuffle = true;
  o.workers = 2;
  o.seed = 5;
  DataLoader a(plain, random_pipeline(), o);
  o.cache = true;
  DataLoader b(cached, random_pipeline(), o);
  for (int64_t e = 0; e < 3; ++e) expect_same(read_epoch(a, e), read_epoch(b, e));
  EXPECT_EQ(plain->reads.load(), 30);
  EXPECT_EQ(cached->reads.load(), 10);
}

TEST(Loader, RandomTransformsDifferBetweenEpochs) {
  auto ds = std::make_shared<SyntheticDataset>(8);
  LoaderOptions o;
  o.batch_size = 8;
  o.workers = 1;
  DataLoader loader(ds, random_pipeline(), o);
  auto e0 = read_epoch(loader, 0), e1 = read_epoch(loader, 1);
  EXPECT_EQ(e0[0].ids, e1[0].ids);  // no shuffle
  EXPECT_FALSE(torch::equal(e0[0].images, e1[0].images));
}

TEST(Loader, WorkerExceptionSurfacesFromNextWithItsType) {
  for (int workers : {0, 1, 2}) {
    auto ds = std::make_shared<SyntheticDataset>(12);
    ds->fail_at = 6;
    LoaderOptions o;
    o.batch_size = 4;
    o.workers = workers;
    DataLoader loader(ds, Compose({}), o);
    loader.start_epoch(0);
    EXPECT_TRUE(loader.next().has_value());
    try {
      loader.next();
      FAIL() << "expected DataError with " << workers << " workers";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("case6"), std::string::npos) << e.what();
    }
    auto ds2 = std::make_shared<SyntheticDataset>(12);
    ds2->fail_std_at = 1;
    DataLoader loader2(ds2, Compose({}), o);
    loader2.start_epoch(0);
    EXPECT_THROW(loader2.next(), std::out_of_range) << workers << " workers";
  }
}

TEST(Loader, ShapeMismatchNamesBothSamples) {
  auto ds = std::make_shared<SyntheticDataset>(4);
  ds->odd_at = 2;
  LoaderOptions o;
  o.batch_size = 4;
  o.workers = 2;
  DataLoader loader(ds, Compose({}), o);
  try {
    loader.next();
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("case0"), std::string::npos) << m;
    EXPECT_NE(m.find("case2"), std::string::npos) << m;
  }
}

TEST(Loader, DropLastAndBatchCounts) {
  auto ds = std::make_shared<SyntheticDataset>(10);
  for (bool drop : {false, true}) {
    LoaderOptions o;
    o.batch_size = 4;
    o.drop_last = drop;
    o.workers = 2;
    DataLoader loader(ds, Compose({}), o);
    EXPECT_EQ(loader.batches_per_epoch(), drop ? 2u : 3u);
    auto batches = read_epoch(loader, 0);
    ASSERT_EQ(batches.size(), loader.batches_per_epoch());
    EXPECT_EQ(batches[0].size(), 4);
    EXPECT_EQ(batches.back().size(), drop ? 4 : 2);
    EXPECT_EQ(batches.back().labels.sizes(), (std::vector<int64_t>{drop ? 4 : 2}));
    // In order without shuffle.
    EXPECT_EQ(batches[1].ids[0], "case4");
    EXPECT_FALSE(loader.next().has_value());
  }
}

TEST(Loader, MasksAreLeftOutUnlessEverySampleHasOne) {
  std::vector<Sample> samples(2);
  samples[0].id = "a";
  samples[0].image = Image::from_tensor(torch::zeros({1, 4, 4}, torch::kUInt8), 2);
  samples[0].mask = Image::from_tensor(torch::ones({1, 4, 4}, torch::kUInt8), 2);
  samples[1].id = "b";
  samples[1].image = Image::from_tensor(torch::ones({1, 4, 4}, torch::kUInt8), 2);
  Batch b = collate(samples);
  EXPECT_FALSE(b.masks.defined());
  EXPECT_EQ(b.images.scalar_type(), torch::kFloat);
  EXPECT_TRUE(b.samples.empty());
  samples[1].mask = samples[0].mask;
  Batch c = collate(samples, /*keep_samples=*/true);
  ASSERT_TRUE(c.masks.defined());
  EXPECT_EQ(c.masks.sum().item<int64_t>(), 32);
  EXPECT_EQ(c.samples.size(), 2u);
}

TEST(Loader, RestartingAnEpochAndDestroyingMidEpochAreClean) {
  auto ds = std::make_shared<SyntheticDataset>(40);
  ds->delay_ms = 2;
  LoaderOptions o;
  o.batch_size = 2;
  o.workers = 2;
  o.prefetch = 3;
  o.shuffle = true;
  std::vector<Batch> fresh;
  {
    DataLoader ref(ds, random_pipeline(), o);
    fresh = read_epoch(ref, 1);
  }
  {
    DataLoader loader(ds, random_pipeline(), o);
    loader.start_epoch(0);
    ASSERT_TRUE(loader.next().has_value());
    // Abandon epoch 0 half-way: epoch 1 must be complete and unaffected.
    expect_same(read_epoch(loader, 1), fresh);
    loader.start_epoch(2);
    ASSERT_TRUE(loader.next().has_value());
  }  // destroyed with workers busy: must join, not hang or terminate
  SUCCEED();
}

TEST(Loader, WorkersReadInParallelAndPrefetchIsBounded) {
  auto ds = std::make_shared<SyntheticDataset>(24);
  ds->delay_ms = 15;
  LoaderOptions o;
  o.batch_size = 1;
  o.workers = 2;
  o.prefetch = 2;
  DataLoader loader(ds, Compose({}), o);
  loader.start_epoch(0);
  ASSERT_TRUE(loader.next().has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  // Idle consumer: at most 1 delivered + prefetch 2 read ahead.
  EXPECT_LE(ds->reads.load(), 3);
  size_t n = 1;
  while (loader.next()) ++n;
  EXPECT_EQ(n, 24u);
  EXPECT_EQ(ds->max_active.load(), 2);
}
