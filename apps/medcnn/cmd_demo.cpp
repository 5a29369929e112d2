// `medcnn demo`: the embedded default. Generates phantom data sets (nothing to
// download) and runs them through the pipeline end to end: files written and
// read back, a seeded stratified split, transforms in loader threads, batches.
// Later capabilities (training, evaluation) extend this command.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "medcnn/command.h"
#include "medcnn/core/error.h"
#include "medcnn/core/progress.h"
#include "medcnn/core/runtime.h"
#include "medcnn/data/loader.h"
#include "medcnn/data/phantom.h"
#include "medcnn/data/sources.h"
#include "medcnn/data/split.h"
#include "medcnn/io/image_io.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace medcnn::cli {
void add_phantom_options(CLI::App* cmd, PhantomOptions& o);

namespace {
struct DemoArgs {
  std::string out = "demo-output";
  int count = 64;
  int volumes = 4;
  int epochs = 1;
  PhantomOptions options;
};

json split_counts(const Dataset& ds, const std::vector<size_t>& idx) {
  auto labels = ds.labels();
  int64_t benign = 0, malignant = 0;
  for (size_t i : idx) (labels[i] == 1 ? malignant : benign)++;
  return {{"cases", idx.size()}, {"label_0_benign", benign}, {"label_1_malignant", malignant}};
}

void run(const DemoArgs& a, const GlobalOptions& g) {
  fs::create_directories(a.out);
  json summary{{"seed", g.seed}, {"threads", threads()}};

  // 1. A 2-D phantom data set on disk, opened back as a CSV data set.
  std::cout << "[1/4] writing " << a.count << " 2-D phantoms to " << a.out << "/phantoms2d\n";
  std::string manifest = write_phantom_dataset(a.out + "/phantoms2d", a.count, a.options, g.seed);
  auto ds = std::make_shared<CsvDataset>(manifest);
  summary["dataset_2d"] = {{"manifest", manifest}, {"cases", ds->size()}};

  // 2. Ground truth checks on every case: boxes agree with the mask.
  std::cout << "[2/4] checking ground truth of every case\n";
  int64_t lesions = 0, box_mismatch = 0;
  double area[2] = {0, 0};
  int64_t n_class[2] = {0, 0};
  for (size_t i = 0; i < ds->size(); ++i) {
    Sample s = ds->get(i);
    auto m = s.mask->data[0];
    for (const auto& b : s.boxes) {
      ++lesions;
      int cls = b.label;  // 0 benign, 1 malignant: mask value cls + 1
      auto sub = m.index({torch::indexing::Slice((int64_t)b.lo[1], (int64_t)b.hi[1]),
                          torch::indexing::Slice((int64_t)b.lo[0], (int64_t)b.hi[0])});
      int64_t inside = sub.eq(cls + 1).sum().item<int64_t>();
      if (inside == 0) ++box_mismatch;
      area[cls] += inside;
      n_class[cls]++;
    }
  }
  summary["lesions"] = {{"count", lesions},
                        {"boxes_without_their_lesion", box_mismatch},
                        {"mean_area_benign_px", n_class[0] ? area[0] / n_class[0] : 0.0},
                        {"mean_area_malignant_px", n_class[1] ? area[1] / n_class[1] : 0.0}};
  if (box_mismatch) throw DataError(manifest, "phantom boxes disagree with their masks");

  // 3. Seeded stratified split and a loader with transforms in worker threads.
  Split split = train_val_test_split(ds->size(), 0.2, 0.2, g.seed, ds->labels());
  summary["split"] = {{"train", split_counts(*ds, split.train)},
                      {"val", split_counts(*ds, split.val)},
                      {"test", split_counts(*ds, split.test)}};
  Compose transforms = make_transforms(json::parse(R"([
      {"name": "NormalizeIntensity"},
      {"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]},
      {"name": "RandSpatialCrop", "roi_size": [48, 48]}])"));
  LoaderOptions lo;
  lo.batch_size = 8;
  lo.shuffle = true;
  lo.workers = std::max(1, threads());
  lo.cache = true;
  lo.seed = g.seed;
  DataLoader loader(std::make_shared<Subset>(ds, split.train), transforms, lo);
  std::cout << "[3/4] loading " << a.epochs << " epoch(s) of " << split.train.size()
            << " training cases with " << lo.workers << " worker thread(s)\n";
  int64_t batches = 0, samples = 0;
  auto t0 = std::chrono::steady_clock::now();
  for (int e = 0; e < a.epochs; ++e) {
    Progress bar("epoch " + std::to_string(e + 1), (int64_t)loader.batches_per_epoch(), "batches");
    loader.start_epoch(e);
    while (auto b = loader.next()) {
      ++batches;
      samples += b->size();
      if (!torch::isfinite(b->images).all().item<bool>())
        throw DataError("demo", "non-finite values in batch");
      bar.advance();
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary["loader"] = {{"batches", batches}, {"samples", samples},
                       {"samples_per_s", secs > 0 ? samples / secs : 0.0}};

  // 4. A few 3-D phantom volumes through NIfTI and back, geometry kept.
  std::cout << "[4/4] writing " << a.volumes << " 3-D phantom volumes (NIfTI)\n";
  PhantomOptions o3 = a.options;
  o3.dims = 3;
  o3.size = 32;
  o3.min_radius = 3;
  o3.max_radius = 5;
  o3.spacing = 1.5;
  std::string m3 = write_phantom_dataset(a.out + "/phantoms3d", a.volumes, o3, g.seed + 1000);
  CsvDataset ds3(m3);
  Sample v = ds3.get(0);
  summary["dataset_3d"] = {{"manifest", m3}, {"cases", ds3.size()}, {"first", v.image.summary()}};

  std::ofstream(a.out + "/demo-summary.json") << summary.dump(2) << "\n";
  std::cout << summary.dump(2) << "\n";
  std::cout << "demo finished: summary in " << a.out << "/demo-summary.json\n";
}

void setup(CLI::App& app, GlobalOptions& globals) {
  auto args = std::make_shared<DemoArgs>();
  auto* cmd = app.add_subcommand(
      "demo", "Run medcnn end to end on generated phantoms (no download needed)");
  cmd->add_option("--out", args->out, "output folder (default demo-output)");
  cmd->add_option("-n,--count", args->count, "2-D phantoms to generate")->check(CLI::Range(10, 100000));
  cmd->add_option("--volumes", args->volumes, "3-D phantoms to generate")->check(CLI::Range(1, 10000));
  cmd->add_option("--epochs", args->epochs, "loader epochs to run")->check(CLI::PositiveNumber);
  add_phantom_options(cmd, args->options);
  cmd->callback([args, &globals] { run(*args, globals); });
}
}  // namespace
}  // namespace medcnn::cli

MEDCNN_COMMAND(demo, medcnn::cli::setup);
