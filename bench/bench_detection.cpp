// bench_detection: CenterNet detection inference, medcnn against PyTorch
// (bench/detection_peer.py), same network, same inputs, same threads, side
// by side in one run.
//
//   bench_detection [--sizes 640x480,320x240] [--batches 1,8] [--threads T]
//                   [--rounds R] [--seconds S] [--score-threshold P]
//                   [--python PYTHON | --no-python] [--json FILE]
//
// Network: "centernet" as configs/bccd_detection.toml builds it: 3 input
// channels (RGB), K = 3 classes (num_classes = K + 4 = 7), width 32,
// neck_width 64, blocks [2, 2, 2, 2]; eval mode, no gradients, fp32 (`medcnn
// predict` runs detection without autocast). The peer writes the same
// layout in torch.nn; both sides print the parameter count and the peer
// refuses to run unless it equals medcnn's.
// Inputs: random [B, 3, H, W] batches at each size (640x480 is BCCD's image
// size, 320x240 the recipe's Resize) and each batch size. Rows per size and
// batch:
//  - medcnn eager: net->forward(x);
//  - medcnn optimized: the network traced, frozen and optimised by
//    optimize_for_inference (infer/optimize.h; the level it reached is shown);
//  - medcnn predict (batch 1 only): eager forward + decode_detections, the
//    per-image path of `medcnn predict` (apps/medcnn/detection_run.cpp) less
//    the file reading and the Resize; decoding at score threshold P (default
//    0.01, the evaluation threshold: an untrained network's heatmap sits
//    near 0.1, so 0.01 decodes the full 100 boxes, the most work);
//  - PyTorch eager (no_grad), jit (trace + freeze + optimize_for_inference)
//    and predict (eager + the same decoding written with torch ops).
// Each measurement runs in its own process (this program with --worker MODE,
// or the peer), so its peak resident memory (ru_maxrss from wait4) is the
// measurement's own. 2 warm-up runs, then runs until S seconds (default 10)
// and at least 5 runs; the median time per batch gives images/s. R rounds
// (default 1) alternate medcnn and PyTorch; the table keeps the best round
// of each. Prints the load average before and after, and a markdown table
// with ratios; --json writes every measurement.
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
#include "medcnn/infer/optimize.h"
#include "medcnn/nn/network.h"
#include "medcnn/tasks/detection.h"
#include "medcnn/train/precision.h"

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

constexpr int64_t kClasses = 3;  // BCCD: RBC, WBC, Platelets

NetworkPtr make_centernet() {
  torch::manual_seed(0);
  NetworkSpec s;
  s.name = "centernet";
  s.in_channels = 3;
  s.num_classes = detection_outputs(kClasses, 2);
  s.spatial_dims = 2;
  s.params = {{"width", 32}, {"neck_width", 64}, {"blocks", {2, 2, 2, 2}}};
  return make_network(s);
}

struct Shape {
  int64_t width = 640, height = 480, batch = 1;
};

json worker(const std::string& mode, const Shape& s, double seconds, double score_threshold) {
  NetworkPtr net = make_centernet();
  net->eval();
  torch::manual_seed(1);
  const at::Tensor x = torch::randn({s.batch, 3, s.height, s.width});
  torch::NoGradGuard no_grad;
  json r;
  if (mode == "eager") {
    r = median_of([&] { net->forward(x); }, seconds);
  } else if (mode == "optimized") {
    const auto t0 = Clock::now();
    InferenceModel fast = optimize_for_inference(net, x);
    r["compile_s"] = seconds_since(t0);
    r["level"] = fast.level();
    r["fallback_reason"] = fast.fallback_reason();
    r["max_abs_diff_vs_eager"] =
        (fast.forward(x) - net->forward(x)).abs().max().item<double>();
    r.update(median_of([&] { fast.forward(x); }, seconds));
  } else if (mode == "predict") {
    DetectionOptions o;
    o.class_names = {"RBC", "WBC", "Platelets"};
    o.score_threshold = score_threshold;
    const std::vector<int64_t> size{s.height, s.width};
    size_t boxes = 0;
    r = median_of(
        [&] {
          boxes = 0;
          for (const auto& b : decode_detections(net->forward(x).to(torch::kFloat), kClasses,
                                                 size, o))
            boxes += b.size();
        },
        seconds);
    r["boxes"] = boxes;
  } else {
    throw ConfigError("--worker", "unknown mode '" + mode + "' (eager, optimized, predict)");
  }
  r["images_per_s"] = double(s.batch) * 1000.0 / r["median_ms"].get<double>();
  r["params"] = parameters(net);
  return r;
}


std::string loadavg() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c;
  f >> a >> b >> c;
  return a + " " + b + " " + c;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string t; std::getline(in, t, sep);)
    if (!t.empty()) out.push_back(t);
  return out;
}

Shape parse_size(const std::string& wxh) {
  const auto p = split(wxh, 'x');
  if (p.size() != 2) throw ConfigError("--sizes", "expects WxH, got '" + wxh + "'");
  Shape s;
  s.width = std::stoll(p[0]);
  s.height = std::stoll(p[1]);
  return s;
}

std::string size_name(const json& r) {
  return std::to_string(r["width"].get<int64_t>()) + "x" + std::to_string(r["height"].get<int64_t>());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> sizes{"640x480", "320x240"};
  std::vector<int64_t> batches{1, 8};
  int threads = 0, rounds = 1;
  double seconds = 10, score_threshold = 0.01;
  std::string python = "/usr/bin/python3", json_path, worker_mode;
  Shape shape;
  try {
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto next = [&] { return std::string(i + 1 < argc ? argv[++i] : ""); };
      if (a == "--sizes") sizes = split(next(), ',');
      else if (a == "--batches") {
        batches.clear();
        for (const auto& b : split(next(), ',')) batches.push_back(std::stoll(b));
      } else if (a == "--threads") threads = std::stoi(next());
      else if (a == "--rounds") rounds = std::stoi(next());
      else if (a == "--seconds") seconds = std::stod(next());
      else if (a == "--score-threshold") score_threshold = std::stod(next());
      else if (a == "--python") python = next();
      else if (a == "--no-python") python.clear();
      else if (a == "--json") json_path = next();
      else if (a == "--worker") worker_mode = next();
      else if (a == "--width") shape.width = std::stoll(next());
      else if (a == "--height") shape.height = std::stoll(next());
      else if (a == "--batch") shape.batch = std::stoll(next());
      else {
        std::cerr << "unknown option " << a << "\n";
        return 2;
      }
    }
    const int t = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(t);
    if (!worker_mode.empty()) {
      json r = worker(worker_mode, shape, seconds, score_threshold);
      r.update({{"side", "medcnn"}, {"mode", worker_mode}, {"threads", t}, {"width", shape.width},
                {"height", shape.height}, {"batch", shape.batch}});
      std::cout << r.dump() << std::endl;
      return 0;
    }
    const int64_t params = parameters(make_centernet());
    const std::string load_start = loadavg();
    std::cout << "medcnn centernet parameters: " << params << "\n"
              << "threads " << t << ", native bf16: " << (cpu_has_native_bf16() ? "yes" : "no")
              << " (predict runs fp32 either way), load average at start: " << load_start
              << std::endl;
    char exe[4096];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len > 0 ? len : 0] = 0;
    std::vector<json> rows;
    auto common = [&](const Shape& s, int64_t batch) {
      return std::vector<std::string>{"--width", std::to_string(s.width), "--height",
                                      std::to_string(s.height), "--batch", std::to_string(batch),
                                      "--threads", std::to_string(t), "--seconds",
                                      fmt(seconds, 1), "--score-threshold",
                                      fmt(score_threshold, 4)};
    };
    for (const auto& size : sizes) {
      const Shape s = parse_size(size);
      for (const int64_t batch : batches)
        for (int r = 0; r < rounds; ++r) {
          std::vector<std::string> mine{"eager", "optimized"}, theirs{"eager", "jit"};
          if (batch == 1) {
            mine.push_back("predict");
            theirs.push_back("predict");
          }
          for (const auto& m : mine) {
            std::vector<std::string> args{exe, "--worker", m};
            for (const auto& a : common(s, batch)) args.push_back(a);
            json row = measure_in_child(args);
            row["round"] = r;
            std::cerr << row.dump() << "\n";
            rows.push_back(row);
          }
          if (python.empty()) continue;
          for (const auto& m : theirs) {
            std::vector<std::string> args{python,
                                          std::string(MEDCNN_SOURCE_DIR) + "/bench/detection_peer.py",
                                          "--mode", m, "--expect-params", std::to_string(params)};
            for (const auto& a : common(s, batch)) args.push_back(a);
            json row = measure_in_child(args);
            row["round"] = r;
            std::cerr << row.dump() << "\n";
            rows.push_back(row);
          }
        }
    }
    const std::string load_end = loadavg();
    if (!json_path.empty())
      std::ofstream(json_path) << json({{"params", params},
                                        {"threads", t},
                                        {"native_bf16", cpu_has_native_bf16()},
                                        {"loadavg_start", load_start},
                                        {"loadavg_end", load_end},
                                        {"rows", rows}})
                                      .dump(2)
                               << "\n";
    // Best round per (side, mode, size, batch).
    auto best = [&](const std::string& side, const std::string& mode, const std::string& size,
                    int64_t batch) -> const json* {
      const json* b = nullptr;
      for (const auto& r : rows) {
        if (r["side"] != side || r["mode"] != mode || size_name(r) != size || r["batch"] != batch)
          continue;
        if (!b || r["images_per_s"] > (*b)["images_per_s"]) b = &r;
      }
      return b;
    };
    std::cout << "\nload average at end: " << load_end << "\n\n"
              << "| input | batch | side | mode | images/s | ms/batch | peak RSS MiB | params | "
                 "vs PyTorch eager | vs PyTorch same mode |\n"
                 "|---|---:|---|---|---:|---:|---:|---:|---:|---:|\n";
    const std::vector<std::pair<std::string, std::string>> list{
        {"medcnn", "eager"},   {"medcnn", "optimized"}, {"medcnn", "predict"},
        {"pytorch", "eager"},  {"pytorch", "jit"},      {"pytorch", "predict"}};
    for (const auto& size : sizes)
      for (const int64_t batch : batches) {
        const json* peer = best("pytorch", "eager", size, batch);
        for (const auto& [side, m] : list) {
          const json* r = best(side, m, size, batch);
          if (!r) continue;
          std::string mode = m;
          if (m == "optimized") mode += " (" + (*r)["level"].get<std::string>() + ")";
          if (m == "predict") mode += " (+decode, " + std::to_string((*r)["boxes"].get<int64_t>()) +
                                      " boxes)";
          std::string vs = "-", vs_same = "-";
          if (side == "medcnn") {
            const double mine = (*r)["images_per_s"].get<double>();
            if (peer) vs = fmt(mine / (*peer)["images_per_s"].get<double>(), 2) + "x";
            const json* same = best("pytorch", m == "optimized" ? "jit" : m, size, batch);
            if (same) vs_same = fmt(mine / (*same)["images_per_s"].get<double>(), 2) + "x";
          }
          std::cout << "| " << size << " | " << batch << " | " << side << " | " << mode << " | "
                    << fmt((*r)["images_per_s"], 1) << " | " << fmt((*r)["median_ms"], 1) << " | "
                    << fmt((*r)["peak_rss_mib"], 0) << " | " << (*r)["params"] << " | " << vs
                    << " | " << vs_same << " |\n";
        }
      }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_detection: " << e.what() << "\n";
    return 1;
  }
}
