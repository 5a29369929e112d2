// bench_resnet18: ResNet-18 training throughput and inference latency, medcnn
// against PyTorch (bench/resnet18_peer.py) on the same threads, in one run.
//
//   bench_resnet18 [--sizes 28,224] [--threads T] [--workers W] [--peer-workers 0]
//                  [--images N] [--train-seconds S] [--train-seconds-224 S]
//                  [--infer-seconds S] [--levers fp32,bf16,cl,bf16_cl]
//                  [--rounds R] [--idle-wait S] [--python PYTHON | --no-python]
//                  [--json FILE] [--from-json FILE]
//
// For each image size (28: stem "small", 224: stem "imagenet"; 3 channels,
// 2 classes, medcnn::make_network "resnet18"):
//  - training images/s, batch 32: N synthetic uint8 images held in memory
//    (an in-memory Dataset), read by medcnn's DataLoader (W worker threads,
//    shuffled) through NormalizeIntensity (per-channel ImageNet mean/std on the
//    0-255 scale) -- data loading included -- then forward, cross-entropy,
//    backward, SGD step (lr 0.01, momentum 0.9): the trainer's step as a plain
//    loop. One row per lever set: fp32; bf16 = CPU autocast to bfloat16
//    (forward and loss; the cast-weight cache is cleared each step);
//    cl = channels-last weights and inputs; bf16_cl = both. 2 untimed warm-up
//    steps, then steps until S seconds and at least 3 steps.
//  - inference latency, batch 1 and 32, median over runs after 3 warm-up runs
//    (until --infer-seconds and at least 5 runs), of one normalised batch:
//    eager (eval, NoGradGuard), optimize_for_inference (traced, frozen,
//    optimised; src/medcnn/infer/optimize.h), the same with channels-last,
//    and int8 (post-training static quantization, src/medcnn/infer/quantize.h,
//    calibrated on the batch of 32).
//    The optimised model's outputs are compared with eager (max |diff| of
//    logits and softmax probabilities, argmax agreement).
// The PyTorch peer does the same with torch.utils.data.DataLoader (P worker
// processes, default 0 = PyTorch's default), fp32 and bf16 autocast training,
// and eager / torch.jit-frozen inference (see bench/resnet18_peer.py).
// torch intra-op threads: T on both sides (default: all cores).
// Shared machine: before each timed measurement both sides wait (at most
// --idle-wait S seconds, default 60) until other processes use under 10% of
// the CPUs for 3 s, and record the share of the CPUs other processes used
// while it ran (others_cpu, from /proc/stat). The whole block of one size is
// repeated R times (--rounds, default 2), medcnn and PyTorch alternating;
// the tables show, per measurement, the mean over the rounds in which others
// used under 5% of the CPUs (else the least disturbed round), with that
// share; the JSON keeps every round. --from-json FILE prints the tables of a
// saved run without measuring.
// Prints markdown tables (medcnn / PyTorch ratios) and, with --json, writes
// every measurement to FILE.
#include <ATen/autocast_mode.h>
#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "medcnn/core/error.h"
#include "medcnn/core/image.h"
#include "medcnn/core/rng.h"
#include "medcnn/data/dataset.h"
#include "medcnn/data/loader.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/nn/network.h"
#include "medcnn/transforms/transform.h"

#include "bench_common.h"

using namespace medcnn;
using medcnn::bench::Clock;
using medcnn::bench::fmt;
using medcnn::bench::seconds_since;
using nlohmann::json;

namespace {

constexpr int64_t kBatch = 32;

// CPU time of the whole machine and of this process (with its waited-for
// children), in clock ticks, from /proc: the share of the machine that OTHER
// processes used during a measurement tells whether it was disturbed.
struct CpuSample {
  long long busy = 0, total = 0, own = 0;
};

CpuSample cpu_sample() {
  CpuSample c;
  std::ifstream stat("/proc/stat");
  std::string cpu;
  long long v[8] = {0};
  stat >> cpu;
  for (long long& x : v) stat >> x;  // user nice system idle iowait irq softirq steal
  c.busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  c.total = c.busy + v[3] + v[4];
  std::ifstream self("/proc/self/stat");
  std::string line;
  std::getline(self, line);
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  std::vector<std::string> f;
  while (rest >> field) f.push_back(field);
  if (f.size() > 14)  // fields 14-17 of stat(5), counted from the state (field 3)
    c.own = std::stoll(f[11]) + std::stoll(f[12]) + std::stoll(f[13]) + std::stoll(f[14]);
  return c;
}

// Share (0..1) of all CPUs used by other processes between a and b.
double others_share(const CpuSample& a, const CpuSample& b) {
  const double total = static_cast<double>(b.total - a.total);
  if (total <= 0) return 0;
  return std::max(0.0, static_cast<double>((b.busy - a.busy) - (b.own - a.own)) / total);
}

// Waits until other processes use under 10% of the machine for 3 s in a row,
// at most max_seconds. Returns the seconds waited.
double wait_for_idle(double max_seconds) {
  const auto t0 = Clock::now();
  int quiet = 0;
  while (quiet < 3 && seconds_since(t0) < max_seconds) {
    const CpuSample a = cpu_sample();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    quiet = others_share(a, cpu_sample()) < 0.1 ? quiet + 1 : 0;
  }
  return seconds_since(t0);
}

double g_idle_wait = 60;  // --idle-wait

// uint8 images [3, size, size] and labels 0/1, in memory.
class MemoryDataset : public Dataset {
 public:
  MemoryDataset(int64_t n, int64_t size) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(1);
    images_ = torch::randint(0, 256, {n, 3, size, size}, gen, torch::kUInt8);
    labels_ = torch::randint(0, 2, {n}, gen, torch::kLong);
  }
  size_t size() const override { return static_cast<size_t>(images_.size(0)); }
  Sample get(size_t i) const override {
    Sample s;
    s.id = std::to_string(i);
    s.image = Image(images_[static_cast<int64_t>(i)], Geometry::identity(2), PixelType::UInt8);
    s.label = labels_[static_cast<int64_t>(i)].item<int64_t>();
    return s;
  }
  std::vector<int64_t> labels() const override {
    return std::vector<int64_t>(labels_.data_ptr<int64_t>(),
                                labels_.data_ptr<int64_t>() + labels_.numel());
  }
  std::string describe() const override { return "synthetic uint8 images in memory"; }

 private:
  at::Tensor images_, labels_;
};

Compose normalisation() {
  return make_transforms(json::parse(R"([{"name": "NormalizeIntensity",
      "subtrahend": [123.675, 116.28, 103.53], "divisor": [58.395, 57.12, 57.375]}])"));
}

NetworkPtr make_resnet18(int64_t size) {
  torch::manual_seed(0);
  NetworkSpec spec;
  spec.name = "resnet18";
  spec.in_channels = 3;
  spec.num_classes = 2;
  spec.params = {{"stem", size <= 64 ? "small" : "imagenet"}};
  return make_network(spec);
}

void to_channels_last(torch::nn::Module& net) {
  torch::NoGradGuard no_grad;
  for (auto& p : net.parameters())
    if (p.dim() == 4) p.set_data(p.data().contiguous(at::MemoryFormat::ChannelsLast));
}

// CPU autocast to bfloat16 for one forward + loss, as torch.autocast("cpu").
class Bf16Autocast {
 public:
  explicit Bf16Autocast(bool on) : on_(on) {
    if (!on_) return;
    prev_ = at::autocast::is_cpu_enabled();
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::increment_nesting();
  }
  ~Bf16Autocast() {
    if (!on_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(prev_);
  }

 private:
  bool on_, prev_ = false;
};

struct Options {
  std::vector<int64_t> sizes{28, 224};
  int threads = 0, workers = 1, rounds = 2;
  std::vector<int> peer_workers{0};
  int64_t images = 256;
  double train_seconds = 6, train_seconds_224 = 12, infer_seconds = 2;
  std::vector<std::string> levers{"fp32", "bf16", "cl", "bf16_cl"};
  std::string python = "/usr/bin/python3", json_path, from_json;
};

json train(const Options& o, int64_t size, const std::string& lever) {
  const bool bf16 = lever.find("bf16") != std::string::npos;
  const bool cl = lever.find("cl") != std::string::npos;
  auto ds = std::make_shared<MemoryDataset>(o.images, size);
  LoaderOptions lo;
  lo.batch_size = kBatch;
  lo.shuffle = true;
  lo.drop_last = true;
  lo.workers = o.workers;
  lo.seed = 1;
  DataLoader loader(ds, normalisation(), lo);
  NetworkPtr net = make_resnet18(size);
  if (cl) to_channels_last(*net);
  net->train();
  torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));
  int64_t epoch = 0;
  loader.start_epoch(epoch);
  auto step = [&]() -> double {
    auto batch = loader.next();
    if (!batch) {
      loader.start_epoch(++epoch);
      batch = loader.next();
    }
    opt.zero_grad();
    at::Tensor x = batch->images;
    if (cl) x = x.contiguous(at::MemoryFormat::ChannelsLast);
    at::Tensor loss;
    {
      Bf16Autocast autocast(bf16);
      loss = torch::nn::functional::cross_entropy(net->forward(x), batch->labels);
    }
    loss.backward();
    opt.step();
    return loss.item<double>();
  };
  for (int i = 0; i < 2; ++i) step();
  const double budget = size > 64 ? o.train_seconds_224 : o.train_seconds;
  int64_t steps = 0;
  double last_loss = 0, elapsed = 0;
  const double waited = wait_for_idle(g_idle_wait);
  const CpuSample c0 = cpu_sample();
  const auto t0 = Clock::now();
  do {
    last_loss = step();
    ++steps;
    elapsed = seconds_since(t0);
  } while (elapsed < budget || steps < 3);
  return {{"side", "medcnn"}, {"mode", "train_" + lever}, {"size", size}, {"batch", kBatch},
          {"workers", o.workers}, {"steps", steps}, {"images", steps * kBatch},
          {"seconds", elapsed}, {"images_per_s", steps * kBatch / elapsed},
          {"last_loss", last_loss}, {"others_cpu", others_share(c0, cpu_sample())},
          {"idle_wait_s", waited}};
}

json latency(const std::function<at::Tensor(const at::Tensor&)>& fn, const at::Tensor& x,
             double seconds) {
  for (int i = 0; i < 3; ++i) fn(x);
  std::vector<double> times;
  const double waited = wait_for_idle(g_idle_wait);
  const CpuSample c0 = cpu_sample();
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  while (times.size() < 5 || Clock::now() < end) {
    const auto t0 = Clock::now();
    fn(x);
    times.push_back(seconds_since(t0) * 1000);
  }
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  return {{"runs", n}, {"median_ms", median}, {"min_ms", sorted.front()},
          {"others_cpu", others_share(c0, cpu_sample())}, {"idle_wait_s", waited}};
}

std::vector<json> infer(const Options& o, int64_t size) {
  std::vector<json> rows;
  NetworkPtr net = make_resnet18(size);
  net->eval();
  // One normalised batch, through the same transform as training.
  MemoryDataset ds(kBatch, size);
  std::vector<Sample> samples;
  const Compose tf = normalisation();
  Rng rng(0);
  for (size_t i = 0; i < ds.size(); ++i) {
    Sample s = ds.get(i);
    tf.apply(s, rng);
    samples.push_back(std::move(s));
  }
  const at::Tensor batch = collate(std::move(samples)).images;
  for (int64_t b : {int64_t{1}, kBatch}) {
    const at::Tensor x = batch.slice(0, 0, b).contiguous();
    auto eager = [&](const at::Tensor& t) {
      torch::NoGradGuard no_grad;
      return net->forward(t);
    };
    json r = latency(eager, x, o.infer_seconds);
    r.update({{"side", "medcnn"}, {"mode", "infer_eager"}, {"size", size}, {"batch", b}});
    rows.push_back(r);
    const at::Tensor want = eager(batch);
    for (const std::string mode : {"infer_optimized", "infer_optimized_cl", "infer_int8"}) {
      InferenceOptions io;
      io.channels_last = mode == "infer_optimized_cl";
      // int8: calibrated on the batch of 32 (the synthetic images the timing
      // uses); its accuracy on real data is tests/cli/test_int8_cli.cpp.
      if (mode == "infer_int8") io.int8_calibration = {batch};
      const auto t0 = Clock::now();
      InferenceModel model = optimize_for_inference(net, x, io);
      const double build_s = seconds_since(t0);
      json r = latency([&](const at::Tensor& t) { return model.forward(t); }, x, o.infer_seconds);
      // Accuracy on the full batch (reuses the module traced at batch b).
      const at::Tensor got = model.forward(batch);
      const at::Tensor pg = torch::softmax(got, 1), pw = torch::softmax(want, 1);
      r.update({{"side", "medcnn"}, {"mode", mode},
                {"size", size}, {"batch", b}, {"level", model.level()},
                {"fallback_reason", model.fallback_reason()}, {"build_s", build_s},
                {"traces", model.traces_made()},
                {"max_abs_logit_diff", (got - want).abs().max().item<double>()},
                {"max_abs_prob_diff", (pg - pw).abs().max().item<double>()},
                {"argmax_equal", torch::equal(got.argmax(1), want.argmax(1))}});
      rows.push_back(r);
    }
  }
  return rows;
}

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return in ? a + " " + b + " " + c : "unknown";
}

std::string run_capture(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw IoError(cmd, "cannot run");
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int rc = pclose(p);
  if (rc != 0) throw Error(cmd, "exited with status " + std::to_string(rc));
  return out;
}

std::vector<json> peer(const Options& o, int64_t size, const std::string& modes, int workers) {
  std::ostringstream cmd;
  cmd << o.python << " " << MEDCNN_SOURCE_DIR << "/bench/resnet18_peer.py --json --size " << size
      << " --threads " << torch::get_num_threads() << " --workers " << workers << " --images "
      << o.images << " --train-seconds " << (size > 64 ? o.train_seconds_224 : o.train_seconds)
      << " --infer-seconds " << o.infer_seconds << " --idle-wait " << g_idle_wait
      << " --modes " << modes;
  std::vector<json> rows;
  std::istringstream lines(run_capture(cmd.str()));
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{') rows.push_back(json::parse(line));
  return rows;
}

const json* find(const std::vector<json>& rows, const std::string& side, const std::string& mode,
                 int64_t size, int64_t batch = -1, int workers = -1) {
  for (const auto& r : rows)
    if (r["side"] == side && r["mode"] == mode && r["size"] == size &&
        (batch < 0 || r.value("batch", -1) == batch) &&
        (workers < 0 || r.value("workers", -1) == workers))
      return &r;
  return nullptr;
}

std::string ratio(const json* a, const json* b, const char* key, bool inverse) {
  if (!a || !b) return "-";
  const double x = (*a)[key].get<double>(), y = (*b)[key].get<double>();
  return fmt(inverse ? y / x : x / y, 2) + "x";
}

std::string others(const json& r) {
  return r.contains("others_cpu") ? fmt(100 * r["others_cpu"].get<double>(), 0) + "%" : "-";
}

void print_tables(const Options& o, const std::vector<json>& rows) {
  const int pw = o.peer_workers.empty() ? -1 : o.peer_workers.front();
  std::cout << "\n### Training, batch 32 (images/s, data loading included)\n\n"
            << "| size | side | levers | images/s | steps | last loss | others' CPU | "
               "vs PyTorch fp32 | vs PyTorch bf16 |\n|---:|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (int64_t size : o.sizes) {
    const json* p32 = find(rows, "pytorch", "train", size, -1, pw);
    const json* p16 = find(rows, "pytorch", "train_bf16", size, -1, pw);
    for (const auto& r : rows) {
      if (r["size"] != size || r["mode"].get<std::string>().rfind("train", 0) != 0) continue;
      const bool mine = r["side"] == "medcnn";
      std::string levers = r["mode"].get<std::string>().substr(5);
      levers = levers.empty() ? "fp32" : levers.substr(1);
      if (!mine) levers += ", " + std::to_string(r["workers"].get<int>()) + " loader workers";
      std::cout << "| " << size << " | " << (mine ? "medcnn" : "PyTorch") << " | " << levers
                << " | " << fmt(r["images_per_s"], 1) << " | " << r["steps"] << " | "
                << fmt(r["last_loss"], 3) << " | " << others(r) << " | "
                << (mine ? ratio(&r, p32, "images_per_s", false) : "") << " | "
                << (mine ? ratio(&r, p16, "images_per_s", false) : "") << " |\n";
    }
  }
  std::cout << "\n### Inference latency (median ms)\n\n"
            << "| size | batch | side | mode | median ms | runs | others' CPU | "
               "PyTorch eager / this | PyTorch jit / this | PyTorch int8 / this |\n"
               "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (int64_t size : o.sizes)
    for (int64_t b : {int64_t{1}, kBatch}) {
      const json* pe = find(rows, "pytorch", "infer", size, b);
      const json* pj = find(rows, "pytorch", "infer_jit", size, b);
      const json* pq = find(rows, "pytorch", "infer_int8", size, b);
      for (const auto& r : rows) {
        if (r["size"] != size || r.value("batch", -1) != b ||
            r["mode"].get<std::string>().rfind("infer", 0) != 0)
          continue;
        const bool mine = r["side"] == "medcnn";
        std::cout << "| " << size << " | " << b << " | " << (mine ? "medcnn" : "PyTorch") << " | "
                  << r["mode"].get<std::string>() << " | " << fmt(r["median_ms"], 2) << " | "
                  << r["runs"] << " | " << others(r) << " | " << ratio(&r, pe, "median_ms", true) << " | "
                  << ratio(&r, pj, "median_ms", true) << " | " << ratio(&r, pq, "median_ms", true)
                  << " |\n";
      }
    }
  std::cout << "\n### Optimised model against eager (the full batch of 32)\n\n"
            << "| size | traced at batch | mode | level | max abs logit diff | "
               "max abs prob diff | argmax equal | build s |\n"
               "|---:|---:|---|---|---:|---:|---|---:|\n";
  for (const auto& r : rows)
    if (r.contains("max_abs_logit_diff"))
      std::cout << "| " << r["size"] << " | " << r["batch"] << " | " << r["mode"].get<std::string>()
                << " | " << r["level"].get<std::string>() +
                       (r["fallback_reason"].get<std::string>().empty()
                            ? ""
                            : " (" + r["fallback_reason"].get<std::string>() + ")")
                << " | " << r["max_abs_logit_diff"].get<double>() << " | "
                << r["max_abs_prob_diff"].get<double>() << " | "
                << (r["argmax_equal"].get<bool>() ? "yes" : "no") << " | "
                << fmt(r["build_s"], 2) << " |\n";
}

// One row per measurement (side, mode, size, batch, workers) over its rounds:
// the mean of images_per_s / median_ms over the rounds that other processes
// left alone (others_cpu under 5%), or, if none was, the least disturbed
// round; steps and runs summed over the rounds used; "rounds" = rounds used.
std::vector<json> combine_rounds(const std::vector<json>& rows) {
  std::vector<json> out;
  std::vector<std::vector<const json*>> groups;
  for (const auto& r : rows) {
    bool placed = false;
    for (auto& g : groups) {
      const json& f = *g.front();
      if (f["side"] == r["side"] && f["mode"] == r["mode"] && f["size"] == r["size"] &&
          f.value("batch", -1) == r.value("batch", -1) &&
          f.value("workers", -1) == r.value("workers", -1)) {
        g.push_back(&r);
        placed = true;
        break;
      }
    }
    if (!placed) groups.push_back({&r});
  }
  for (const auto& g : groups) {
    std::vector<const json*> used;
    for (const json* r : g)
      if (r->value("others_cpu", 1.0) < 0.05) used.push_back(r);
    if (used.empty()) {
      const json* best = g.front();
      for (const json* r : g)
        if (r->value("others_cpu", 1.0) < best->value("others_cpu", 1.0)) best = r;
      used.push_back(best);
    }
    json m = *used.back();
    for (const char* key : {"images_per_s", "median_ms", "others_cpu"}) {
      if (!m.contains(key)) continue;
      double sum = 0;
      for (const json* r : used) sum += (*r)[key].get<double>();
      m[key] = sum / static_cast<double>(used.size());
    }
    for (const char* key : {"steps", "runs"}) {
      if (!m.contains(key)) continue;
      int64_t total = 0;
      for (const json* r : used) total += (*r)[key].get<int64_t>();
      m[key] = total;
    }
    m["rounds"] = used.size();
    out.push_back(m);
  }
  return out;
}

template <class T>
std::vector<T> parse_list(const std::string& s) {
  std::vector<T> out;
  std::istringstream in(s);
  for (std::string item; std::getline(in, item, ',');) {
    if (item.empty()) continue;
    if constexpr (std::is_same_v<T, std::string>) out.push_back(item);
    else out.push_back(static_cast<T>(std::stoll(item)));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw ConfigError(a, "needs a value");
        return argv[++i];
      };
      if (a == "--sizes") o.sizes = parse_list<int64_t>(value());
      else if (a == "--threads") o.threads = std::stoi(value());
      else if (a == "--workers") o.workers = std::stoi(value());
      else if (a == "--rounds") o.rounds = std::max(1, std::stoi(value()));
      else if (a == "--idle-wait") g_idle_wait = std::stod(value());
      else if (a == "--peer-workers") o.peer_workers = parse_list<int>(value());
      else if (a == "--images") o.images = std::stoll(value());
      else if (a == "--train-seconds") o.train_seconds = std::stod(value());
      else if (a == "--train-seconds-224") o.train_seconds_224 = std::stod(value());
      else if (a == "--infer-seconds") o.infer_seconds = std::stod(value());
      else if (a == "--levers") o.levers = parse_list<std::string>(value());
      else if (a == "--python") o.python = value();
      else if (a == "--no-python") o.python.clear();
      else if (a == "--json") o.json_path = value();
      else if (a == "--from-json") o.from_json = value();
      else
        throw ConfigError(a, "unknown option (see the comment at the top of bench_resnet18.cpp)");
    }
    if (o.images < kBatch) throw ConfigError("--images", "needs at least 32 images");
    for (const auto& l : o.levers)
      if (l != "fp32" && l != "bf16" && l != "cl" && l != "bf16_cl")
        throw ConfigError("--levers", "unknown lever set '" + l + "' (fp32, bf16, cl, bf16_cl)");
    const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
    torch::set_num_threads(threads);

    if (!o.from_json.empty()) {
      std::ifstream in(o.from_json);
      if (!in) throw IoError(o.from_json, "cannot read");
      const json saved = json::parse(in);
      std::vector<json> rows(saved.begin(), saved.end());
      std::vector<int64_t> sizes;
      for (const auto& r : rows)
        if (std::find(sizes.begin(), sizes.end(), r["size"].get<int64_t>()) == sizes.end())
          sizes.push_back(r["size"].get<int64_t>());
      o.sizes = sizes;
      print_tables(o, combine_rounds(rows));
      return 0;
    }
    const std::string load_before = load_average();
    const auto t_start = Clock::now();
    std::vector<json> rows;
    auto add = [&](json r) {
      std::cerr << r.dump() << "\n";
      rows.push_back(std::move(r));
    };
    for (int64_t size : o.sizes)
      for (int round = 1; round <= o.rounds; ++round) {
        auto tag = [&](json r) {
          r["round"] = round;
          add(std::move(r));
        };
        for (const auto& lever : o.levers) tag(train(o, size, lever));
        if (!o.python.empty())
          for (int w : o.peer_workers)
            for (auto& r : peer(o, size, "train,train_bf16", w)) tag(r);
        for (auto& r : infer(o, size)) tag(r);
        if (!o.python.empty())
          for (auto& r : peer(o, size, "infer,infer_jit,infer_int8", 0)) tag(r);
      }
    print_tables(o, combine_rounds(rows));
    std::cout << "\ntorch intra-op threads " << threads << " on both sides; medcnn loader workers "
              << o.workers << "; " << o.rounds << " rounds (mean of the undisturbed ones shown); "
              << fmt(seconds_since(t_start), 0) << " s; load average before " << load_before
              << ", after " << load_average() << "\n";
    if (!o.json_path.empty()) {
      std::ofstream out(o.json_path);
      out << json(rows).dump(2) << "\n";
      if (!out) throw IoError(o.json_path, "cannot write");
    }
    return 0;
  } catch (const Error& e) {
    std::cerr << "bench_resnet18: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "bench_resnet18: " << e.what() << "\n";
    return 1;
  }
}
