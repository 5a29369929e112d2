// bench_segmentation: sliding-window inference and U-Net patch training,
// medcnn against PyTorch (bench/segmentation_peer.py), same network, same
// tiling, same threads, side by side in one run.
//
//   bench_segmentation [--modes infer2d,infer3d,train] [--threads T] [--rounds R]
//                      [--seconds S] [--python PYTHON | --no-python] [--json FILE]
//
// Network: U-Net depth 4, width 16 (16/32/64/128 channels, batch norm,
// transposed-convolution upsampling), 1 input channel, 2 classes: the DRIVE
// recipe's (configs/drive_unet.toml); the peer writes the same layout in
// torch.nn and both sides print the parameter count.
//  - infer2d: one 584x565 image (DRIVE's size), windows 128x128, overlap
//    0.25, Gaussian weighting, 4 windows per forward, softmax of the stitched
//    logits. medcnn: sliding_window_inference with the window network traced,
//    frozen and optimised by optimize_for_inference (what `medcnn predict`
//    runs), and eager; PyTorch: eager under no_grad, and jit-frozen.
//  - infer3d: a 62x128x128 volume, 3-D U-Net, windows 32x64x64, 2 per forward.
//  - train: 64x64 patches (half centred on foreground), batch 32, from 16
//    in-memory 584x565 images with masks through medcnn's DataLoader
//    (RandCropByPosNegLabel, RandFlip; 2 worker threads) and the trainer's
//    step (Dice + cross-entropy, Adam 1e-3) at the recipe's precision (bf16
//    autocast where native) and at fp32; PyTorch: a DataLoader over numpy
//    crops, fp32 and bf16 autocast. Patches/s, data loading included.
// Each measurement runs in its own process (this program with --worker MODE,
// or the peer), so its peak resident memory (ru_maxrss from wait4) is the
// measurement's own. Inference: 2 warm-up runs, then runs until S seconds
// (default 10) and at least 5 runs, median; training: 2 warm-up steps, then
// steps until S seconds. R rounds (default 1) alternate medcnn and PyTorch;
// the table keeps the best round of each. Prints a markdown table with
// ratios; --json writes every measurement.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/rng.h"
#include "medcnn/data/dataset.h"
#include "medcnn/data/loader.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/infer/sliding_window.h"
#include "medcnn/nn/network.h"
#include "medcnn/tasks/segmentation.h"
#include "medcnn/train/trainer.h"
#include "medcnn/transforms/transform.h"

#include "bench_common.h"
#include "child_process.h"
#include "timing.h"

using namespace medcnn;
using medcnn::bench::Clock;
using medcnn::bench::fmt;
using medcnn::bench::measure_in_child;
using medcnn::bench::median_of;
using medcnn::bench::parameters;
using medcnn::bench::seconds_since;
using nlohmann::json;

namespace {

NetworkPtr make_unet(int64_t dims) {
  torch::manual_seed(0);
  NetworkSpec s;
  s.name = "unet";
  s.spatial_dims = dims;
  s.params = {{"depth", 4}, {"width", 16}};
  return make_network(s);
}

json worker_infer(const std::string& mode, double seconds) {
  const bool volume = mode.rfind("infer3d", 0) == 0;
  const bool eager = mode.find("_eager") != std::string::npos;
  NetworkPtr net = make_unet(volume ? 3 : 2);
  net->eval();
  torch::manual_seed(1);
  at::Tensor image = volume ? torch::randn({1, 1, 62, 128, 128}) : torch::randn({1, 1, 584, 565});
  SlidingWindowOptions o;
  o.roi_size = volume ? std::vector<int64_t>{32, 64, 64} : std::vector<int64_t>{128, 128};
  o.overlap = 0.25;
  o.sw_batch_size = volume ? 2 : 4;
  InferenceModel fast;
  bool traced = false;
  auto window = [&](const at::Tensor& w) {
    if (eager) return net->forward(w);
    if (!traced) {
      fast = optimize_for_inference(net, w);
      traced = true;
    }
    return fast.forward(w);
  };
  torch::NoGradGuard no_grad;
  json r = median_of([&] { torch::softmax(sliding_window_inference(image, window, o), 1); },
                     seconds);
  r["params"] = parameters(net);
  if (!eager) r["level"] = fast.level();
  return r;
}

// 16 in-memory float images 584x565 with random 12% foreground masks.
class MemorySegmentations : public Dataset {
 public:
  MemorySegmentations() {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
    images_ = torch::randn({16, 1, 584, 565}, gen);
    masks_ = torch::rand({16, 1, 584, 565}, gen).lt(0.12).to(torch::kLong);
  }
  size_t size() const override { return 16; }
  Sample get(size_t i) const override {
    Sample s;
    s.id = std::to_string(i);
    s.image = Image(images_[int64_t(i)], Geometry::identity(2), PixelType::Float32);
    s.mask = Image(masks_[int64_t(i)], Geometry::identity(2), PixelType::Int64);
    return s;
  }
  std::string describe() const override { return "synthetic segmentations in memory"; }

 private:
  at::Tensor images_, masks_;
};

json worker_train(const std::string& mode, double seconds) {
  auto ds = std::make_shared<MemorySegmentations>();
  LoaderOptions lo;
  lo.batch_size = 32;
  lo.workers = 2;
  lo.cache = true;
  lo.shuffle = true;
  lo.sampler = nullptr;
  // Repeat the 16 images so an epoch is long (the recipe's train.repeats).
  struct Many : Sampler {
    size_t size() const override { return 16 * 4096; }
    std::vector<size_t> epoch_indices(int64_t e) const override {
      std::vector<size_t> v(size());
      Rng rng = Rng::derive(7, {static_cast<uint64_t>(e)});
      for (auto& x : v) x = static_cast<size_t>(rng.randint(0, 15));
      return v;
    }
  };
  lo.sampler = std::make_shared<Many>();
  DataLoader loader(ds, make_transforms(json::parse(R"([
      {"name": "RandCropByPosNegLabel", "spatial_size": [64, 64], "pos": 1, "neg": 1},
      {"name": "RandFlip", "prob": 0.5, "spatial_axis": [1]}])")), lo);
  NetworkPtr net = make_unet(2);
  SegmentationOptions so;
  so.class_names = {"background", "foreground"};
  auto task = std::make_shared<SegmentationTask>(so);
  TrainerOptions to;
  to.optimizer = {{"name", "adam"}, {"lr", 0.001}};
  to.precision = mode == "train_fp32" ? "fp32" : "auto";
  to.show_progress = false;
  Trainer trainer(net, task, to);
  loader.start_epoch(0);
  double loss = 0;
  auto step = [&] { loss = trainer.train_step(*loader.next()); };
  for (int i = 0; i < 2; ++i) step();
  int64_t n = 0;
  const auto t0 = Clock::now();
  while (n < 3 || seconds_since(t0) < seconds) {
    step();
    ++n;
  }
  const double dt = seconds_since(t0);
  return {{"patches_per_s", n * 32 / dt}, {"steps", n}, {"last_loss", loss},
          {"params", parameters(net)}, {"precision", precision_name(trainer.precision())}};
}


}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> modes{"infer2d", "infer3d", "train"};
  int threads = 0, rounds = 1;
  double seconds = 10;
  std::string python = "/usr/bin/python3", json_path, worker;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
    if (a == "--modes") {
      modes.clear();
      std::istringstream s(next());
      for (std::string m; std::getline(s, m, ',');) modes.push_back(m);
    } else if (a == "--threads") threads = std::stoi(next());
    else if (a == "--rounds") rounds = std::stoi(next());
    else if (a == "--seconds") seconds = std::stod(next());
    else if (a == "--python") python = next();
    else if (a == "--no-python") python.clear();
    else if (a == "--json") json_path = next();
    else if (a == "--worker") worker = next();
    else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  const int t = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  torch::set_num_threads(t);
  if (!worker.empty()) {
    json r = worker.rfind("train", 0) == 0 ? worker_train(worker, seconds)
                                           : worker_infer(worker, seconds);
    r.update({{"side", "medcnn"}, {"mode", worker}, {"threads", t}});
    std::cout << r.dump() << std::endl;
    return 0;
  }
  const std::string self = "/proc/self/exe";
  char exe[4096];
  const ssize_t len = readlink(self.c_str(), exe, sizeof exe - 1);
  exe[len > 0 ? len : 0] = 0;
  std::vector<json> rows;
  for (const auto& mode : modes)
    for (int r = 0; r < rounds; ++r) {
      std::vector<std::string> mine = mode == "train" ? std::vector<std::string>{"train", "train_fp32"}
                                                      : std::vector<std::string>{mode, mode + "_eager"};
      for (const auto& m : mine) {
        json row = measure_in_child({exe, "--worker", m, "--threads", std::to_string(t), "--seconds",
                            fmt(seconds, 1)});
        row["round"] = r;
        std::cerr << row.dump() << "\n";
        rows.push_back(row);
      }
      if (python.empty()) continue;
      std::vector<std::string> theirs = mode == "train" ? std::vector<std::string>{"train", "train_bf16"}
                                                        : std::vector<std::string>{mode, mode + "_jit"};
      for (const auto& m : theirs) {
        json row = measure_in_child({python, std::string(MEDCNN_SOURCE_DIR) + "/bench/segmentation_peer.py",
                            "--mode", m, "--threads", std::to_string(t), "--seconds",
                            fmt(seconds, 1)});
        row["round"] = r;
        std::cerr << row.dump() << "\n";
        rows.push_back(row);
      }
    }
  if (!json_path.empty()) std::ofstream(json_path) << json(rows).dump(2) << "\n";
  // Best round per (side, mode).
  auto best = [&](const std::string& side, const std::string& mode) -> const json* {
    const json* b = nullptr;
    for (const auto& r : rows) {
      if (r["side"] != side || r["mode"] != mode) continue;
      const bool train = r.contains("patches_per_s");
      if (!b || (train ? r["patches_per_s"] > (*b)["patches_per_s"]
                       : r["median_ms"] < (*b)["median_ms"]))
        b = &r;
    }
    return b;
  };
  std::cout << "\n| job | side | mode | result | peak RSS MiB | params | vs PyTorch (plain) |\n"
               "|---|---|---|---:|---:|---:|---:|\n";
  for (const auto& mode : modes) {
    const bool train = mode == "train";
    const json* peer = best("pytorch", mode);
    std::vector<std::pair<std::string, std::string>> list =
        train ? std::vector<std::pair<std::string, std::string>>{{"medcnn", "train"},
                                                                 {"medcnn", "train_fp32"},
                                                                 {"pytorch", "train"},
                                                                 {"pytorch", "train_bf16"}}
              : std::vector<std::pair<std::string, std::string>>{{"medcnn", mode},
                                                                 {"medcnn", mode + "_eager"},
                                                                 {"pytorch", mode},
                                                                 {"pytorch", mode + "_jit"}};
    for (const auto& [side, m] : list) {
      const json* r = best(side, m);
      if (!r) continue;
      std::string result = train ? fmt((*r)["patches_per_s"], 1) + " patches/s"
                                 : fmt((*r)["median_ms"], 0) + " ms";
      std::string vs = "-";
      if (peer && side == "medcnn")
        vs = fmt(train ? (*r)["patches_per_s"].get<double>() / (*peer)["patches_per_s"].get<double>()
                       : (*peer)["median_ms"].get<double>() / (*r)["median_ms"].get<double>(),
                 2) + "x";
      std::cout << "| " << mode << " | " << side << " | " << m << " | " << result << " | "
                << fmt((*r)["peak_rss_mib"], 0) << " | " << (*r)["params"] << " | " << vs << " |\n";
    }
  }
  return 0;
}
