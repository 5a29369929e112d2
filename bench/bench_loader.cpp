// bench_loader: DataLoader throughput (samples/s) on real data.
//
//   bench_loader [--data DIR] [--epochs N] [--intra-threads N] [--only drive|breast]
//
// DIR is the shared data folder (default $MEDCNN_SHARED_DATA, else
// ../shared/data). Two pipelines, each with 1 and 2 worker threads and the
// cache off and on; one untimed warm-up epoch (fills the cache and the OS
// file cache), then N timed epochs:
//   DRIVE training (20 RGB 565x584 TIFF + GIF vessel masks through a CSV
//   manifest in a temporary folder): NormalizeIntensity, RandSpatialCrop
//   256x256, RandFlip; batch 4.
//   BreastMNIST train (546 grey 28x28 from the npz): NormalizeIntensity,
//   RandFlip; batch 64.
// Prints a markdown table. torch's intra-op threads default to 1 so the
// loader's workers are the only parallelism.
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/data/loader.h"
#include "medcnn/data/sources.h"

namespace fs = std::filesystem;
using namespace medcnn;

namespace {

struct Result {
  std::string name;
  int workers;
  bool cache;
  size_t batches = 0, samples = 0;
  double seconds = 0;
};

Result run(const std::string& name, DatasetPtr ds, const Params& transforms, int64_t batch,
           int workers, bool cache, int epochs) {
  LoaderOptions o;
  o.batch_size = batch;
  o.shuffle = true;
  o.workers = workers;
  o.prefetch = 4;
  o.cache = cache;
  o.seed = 1;
  DataLoader loader(ds, make_transforms(transforms), o);
  auto drain = [&](int64_t epoch, Result* r) {
    loader.start_epoch(epoch);
    while (auto b = loader.next()) {
      if (r) {
        ++r->batches;
        r->samples += static_cast<size_t>(b->size());
      }
    }
  };
  Result r{name, workers, cache};
  drain(0, nullptr);  // warm-up
  auto t0 = std::chrono::steady_clock::now();
  for (int e = 1; e <= epochs; ++e) drain(e, &r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

std::string drive_manifest(const fs::path& drive, const fs::path& dir) {
  const fs::path images = drive / "training" / "images", manual = drive / "training" / "1st_manual";
  if (!fs::is_directory(images)) throw IoError(images.string(), "DRIVE training images not found");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(images)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  const std::string csv = (dir / "drive.csv").string();
  std::ofstream out(csv);
  out << "id,image,mask\n";
  for (const auto& f : files) {
    const std::string id = f.substr(0, f.find('_'));  // "21_training.tif" -> "21"
    out << id << "," << (images / f).string() << "," << (manual / (id + "_manual1.gif")).string()
        << "\n";
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const char* env = std::getenv("MEDCNN_SHARED_DATA");
    std::string data = env && *env ? env : "../shared/data";
    int epochs = 5, intra = 1;
    std::string only;  // "drive" or "breast": run one data set
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw ConfigError(a, "needs a value");
        return argv[++i];
      };
      if (a == "--data") data = value();
      else if (a == "--epochs") epochs = std::stoi(value());
      else if (a == "--intra-threads") intra = std::stoi(value());
      else if (a == "--only") only = value();
      else throw ConfigError(a, "unknown option (use --data DIR, --epochs N, --intra-threads N, "
                                "--only drive|breast)");
    }
    data = fs::absolute(data).lexically_normal().string();
    torch::set_num_threads(intra);
    const fs::path tmp = fs::temp_directory_path() / ("medcnn-bench-" + std::to_string(::getpid()));
    fs::create_directories(tmp);

    auto drive = std::make_shared<CsvDataset>(drive_manifest(fs::path(data) / "drive", tmp));
    auto breast = std::make_shared<NpzDataset>(
        (fs::path(data) / "medmnist" / "breastmnist_trainval.npz").string(), "train");
    const Params drive_tf = Params::parse(R"([
      {"name": "NormalizeIntensity"},
      {"name": "RandSpatialCrop", "roi_size": [256, 256]},
      {"name": "RandFlip", "prob": 0.5, "spatial_axis": [0, 1]}])");
    const Params breast_tf = Params::parse(R"([
      {"name": "NormalizeIntensity"},
      {"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]}])");

    std::vector<Result> results;
    for (bool cache : {false, true})
      for (int workers : {1, 2}) {
        if (only.empty() || only == "drive")
          results.push_back(run("DRIVE train, crop 256, batch 4", drive, drive_tf, 4, workers, cache, epochs));
        if (only.empty() || only == "breast")
          results.push_back(run("BreastMNIST train, batch 64", breast, breast_tf, 64, workers, cache, epochs));
      }
    fs::remove_all(tmp);

    std::cout << "| data | workers | cache | batches | samples | seconds | samples/s |\n"
              << "|---|---:|---|---:|---:|---:|---:|\n";
    std::sort(results.begin(), results.end(), [](const Result& a, const Result& b) {
      return std::tie(a.name, a.cache, a.workers) < std::tie(b.name, b.cache, b.workers);
    });
    for (const auto& r : results) {
      std::ostringstream row;
      row.setf(std::ios::fixed);
      row.precision(3);
      row << "| " << r.name << " | " << r.workers << " | " << (r.cache ? "on" : "off") << " | "
          << r.batches << " | " << r.samples << " | " << r.seconds << " | ";
      row.precision(0);
      row << (r.seconds > 0 ? r.samples / r.seconds : 0.0) << " |";
      std::cout << row.str() << "\n";
    }
    std::cout << "\n" << epochs << " timed epochs after one warm-up epoch; torch intra-op threads: "
              << intra << "\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "bench_loader: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "bench_loader: " << e.what() << "\n";
    return 1;
  }
}
