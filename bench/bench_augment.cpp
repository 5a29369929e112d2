// bench_augment: augmented samples per second through an nnU-Net-like
// augmentation chain, medcnn's DataLoader against a numpy/scipy peer.
//
//   bench_augment [--only 2d|3d] [--samples2d N] [--samples3d N] [--epochs E]
//                 [--workers 1,2] [--intra-threads N] [--python PYTHON | --no-python]
//                 [--profile REPS]
//
// Inputs: one in-memory phantom (generate_phantom, seed 1) with its mask:
// 2-D 512x512 and 3-D 128x128x128, float32 image, label map. Every sample
// is a fresh copy of it run through the chain (built from the transform
// registry by name):
//   RandAffine        p 0.36 (= 1 - 0.8^2: nnU-Net's independent p 0.2 rotation
//                     and p 0.2 scaling), rotation +-180 deg (2-D) / +-30 deg per
//                     axis (3-D), isotropic scale [0.7, 1.4], bilinear
//   RandElastic       p 0.2, sigma [9, 13], alpha [0, 200] (2-D) / [0, 900] (3-D)
//   RandGaussianNoise p 0.1, std U(0, 0.1)
//   RandGaussianSmooth p 0.2, sigma [0.5, 1.0]
//   RandBrightness    p 0.15, multiplier [0.75, 1.25]
//   RandContrast      p 0.15, factor [0.75, 1.25], range preserved
//   RandSimulateLowResolution p 0.25, zoom [0.5, 1], nearest down, linear up
//   RandAdjustContrast p 0.1 gamma [0.7, 1.5] inverted, retain stats; then
//                     p 0.3 gamma [0.7, 1.5], retain stats
//   RandFlip          p 0.5 per spatial axis, independently
// The loader (batch 8 for 2-D, 2 for 3-D, prefetch 4, cache off) runs one
// untimed warm-up epoch and E timed epochs with 1 and 2 worker threads;
// torch intra-op threads default to 1 so the workers are the only
// parallelism. Then (unless --no-python) bench/augment_peer.py runs the same
// chain on the same image (written to .npy files) with a multiprocessing
// pool of 1 and 2 processes, and the table gets the ratio medcnn / Python.
// --profile REPS instead times each transform alone with prob 1 (mean ms
// per call over REPS calls; augment_peer.py --profile does the same).
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/data/loader.h"
#include "medcnn/data/phantom.h"

#ifndef MEDCNN_SOURCE_DIR
#define MEDCNN_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;
using namespace medcnn;
using nlohmann::json;

namespace {

// Every case is a copy of one sample.
class RepeatDataset : public Dataset {
 public:
  RepeatDataset(Sample s, size_t n) : sample_(std::move(s)), n_(n) {}
  size_t size() const override { return n_; }
  Sample get(size_t i) const override {
    Sample s = sample_;
    s.id = "copy" + std::to_string(i);
    s.image.data = sample_.image.data.clone();
    if (s.mask) s.mask->data = sample_.mask->data.clone();
    return s;
  }
  std::string describe() const override { return "repeat"; }

 private:
  Sample sample_;
  size_t n_;
};

json chain(int dims) {
  const double rot = dims == 2 ? M_PI : M_PI / 6;
  const double alpha = dims == 2 ? 200 : 900;
  json list = json::array({
      {{"name", "RandAffine"}, {"prob", 0.36}, {"rotate_range", rot}, {"scale_range", {0.7, 1.4}}},
      {{"name", "RandElastic"}, {"prob", 0.2}, {"sigma_range", {9, 13}}, {"magnitude_range", {0, alpha}}},
      {{"name", "RandGaussianNoise"}, {"prob", 0.1}, {"std", 0.1}},
      {{"name", "RandGaussianSmooth"}, {"prob", 0.2}, {"sigma", {0.5, 1.0}}, {"per_axis", false}},
      {{"name", "RandBrightness"}, {"prob", 0.15}, {"multiplier_range", {0.75, 1.25}}},
      {{"name", "RandContrast"}, {"prob", 0.15}, {"contrast_range", {0.75, 1.25}}},
      {{"name", "RandSimulateLowResolution"}, {"prob", 0.25}, {"zoom_range", {0.5, 1.0}}, {"upsample", "linear"}},
      {{"name", "RandAdjustContrast"}, {"prob", 0.1}, {"gamma", {0.7, 1.5}}, {"invert_image", true}, {"retain_stats", true}},
      {{"name", "RandAdjustContrast"}, {"prob", 0.3}, {"gamma", {0.7, 1.5}}, {"retain_stats", true}},
  });
  for (int a = 0; a < dims; ++a)
    list.push_back({{"name", "RandFlip"}, {"prob", 0.5}, {"spatial_axis", {a}}});
  return list;
}

Sample phantom(int dims) {
  PhantomOptions o;
  o.dims = dims;
  o.size = dims == 2 ? 512 : 128;
  o.min_lesions = dims == 2 ? 2 : 1;
  o.max_lesions = dims == 2 ? 4 : 2;
  o.min_radius = dims == 2 ? 20 : 6;
  o.max_radius = dims == 2 ? 40 : 12;
  Sample s = generate_phantom(o, 1);
  s.image = s.image.with_data(s.image.data.to(torch::kFloat), PixelType::Float32);
  return s;
}

// A float32 / uint8 tensor as a .npy file (C order).
void write_npy(const std::string& path, const at::Tensor& t) {
  at::Tensor c = t.contiguous();
  std::string descr = c.scalar_type() == torch::kFloat ? "<f4" : "|u1";
  if (c.scalar_type() != torch::kFloat && c.scalar_type() != torch::kUInt8)
    c = c.to(torch::kUInt8), descr = "|u1";
  std::ostringstream shape;
  shape << "(";
  for (int64_t d : c.sizes()) shape << d << ",";
  shape << ")";
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " +
                       shape.str() + ", }";
  while ((10 + header.size() + 1) % 64) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const uint16_t len = static_cast<uint16_t>(header.size());
  out.put(static_cast<char>(len & 0xff));
  out.put(static_cast<char>(len >> 8));
  out << header;
  out.write(static_cast<const char*>(c.data_ptr()), static_cast<std::streamsize>(c.nbytes()));
  if (!out) throw IoError(path, "write failed");
}

struct Row {
  std::string data;
  int workers;
  double cpp = 0, py = 0;  // samples/s
  size_t samples = 0;
  double seconds = 0;
};

double run_loader(const Sample& s, int dims, size_t n, int workers, int epochs, size_t* samples,
                  double* seconds) {
  LoaderOptions o;
  o.batch_size = dims == 2 ? 8 : 2;
  o.workers = workers;
  o.prefetch = 4;
  o.seed = 1;
  o.shuffle = true;
  DataLoader loader(std::make_shared<RepeatDataset>(s, n), make_transforms(chain(dims)), o);
  auto drain = [&](int64_t epoch) {
    size_t k = 0;
    loader.start_epoch(epoch);
    while (auto b = loader.next()) k += static_cast<size_t>(b->size());
    return k;
  };
  drain(0);  // warm-up
  auto t0 = std::chrono::steady_clock::now();
  size_t k = 0;
  for (int e = 1; e <= epochs; ++e) k += drain(e);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  *samples = k;
  return k / *seconds;
}

// Per transform: mean milliseconds of apply() with prob forced to 1 (the
// cost when it fires), over `reps` fresh copies of the sample.
void profile(const Sample& s, int dims, int reps) {
  std::cout << "\n| " << dims << "-D transform (prob = 1) | ms per call |\n|---|---:|\n";
  for (json t : chain(dims)) {
    if (t.contains("prob")) t["prob"] = 1.0;
    TransformPtr tf = TransformRegistry::instance().create(t["name"].get<std::string>(), t);
    double total = 0;
    for (int r = 0; r < reps; ++r) {
      Sample c = s;
      c.image.data = s.image.data.clone();
      c.mask->data = s.mask->data.clone();
      Rng rng = Rng::derive(3, {static_cast<uint64_t>(r)});
      auto t0 = std::chrono::steady_clock::now();
      tf->apply(c, rng);
      total += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    std::string label = t["name"].get<std::string>();
    if (t.contains("invert_image")) label += " (inverted)";
    if (t.contains("spatial_axis")) label += " axis " + t["spatial_axis"].dump();
    std::ostringstream row;
    row.setf(std::ios::fixed);
    row.precision(2);
    row << "| " << label << " | " << total / reps << " |";
    std::cout << row.str() << "\n";
  }
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

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string only, python = "/usr/bin/python3";
    size_t n2 = 64, n3 = 8;
    int epochs = 2, intra = 1, profile_reps = 0;
    std::vector<int> workers{1, 2};
    for (int i = 1; i < argc; ++i) {
      std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw ConfigError(a, "needs a value");
        return argv[++i];
      };
      if (a == "--only") only = value();
      else if (a == "--samples2d") n2 = std::stoul(value());
      else if (a == "--samples3d") n3 = std::stoul(value());
      else if (a == "--epochs") epochs = std::stoi(value());
      else if (a == "--intra-threads") intra = std::stoi(value());
      else if (a == "--python") python = value();
      else if (a == "--no-python") python.clear();
      else if (a == "--profile") profile_reps = std::stoi(value());
      else if (a == "--workers") {
        workers.clear();
        std::stringstream ss(value());
        for (std::string w; std::getline(ss, w, ',');) workers.push_back(std::stoi(w));
      } else
        throw ConfigError(a, "unknown option (--only 2d|3d, --samples2d N, --samples3d N, "
                             "--epochs E, --workers 1,2, --intra-threads N, --python P, --no-python, "
                             "--profile REPS)");
    }
    torch::set_num_threads(intra);
    // Fail early, naming the missing transforms.
    for (int dims : {2, 3}) make_transforms(chain(dims));

    const fs::path tmp = fs::temp_directory_path() / ("medcnn-bench-aug-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    std::vector<Row> rows;
    for (int dims : {2, 3}) {
      if (!only.empty() && only != std::to_string(dims) + "d") continue;
      const Sample s = phantom(dims);
      if (profile_reps > 0) {
        profile(s, dims, profile_reps);
        continue;
      }
      const size_t n = dims == 2 ? n2 : n3;
      const std::string label = dims == 2 ? "2-D 512x512" : "3-D 128x128x128";
      std::map<int, double> py;
      if (!python.empty()) {
        const std::string img = (tmp / "image.npy").string(), msk = (tmp / "mask.npy").string();
        write_npy(img, s.image.data);
        write_npy(msk, s.mask->data);
        std::string wl;
        for (int w : workers) wl += (wl.empty() ? "" : ",") + std::to_string(w);
        const std::string cmd = "OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 " +
                                python + " " + MEDCNN_SOURCE_DIR + "/bench/augment_peer.py --image " +
                                img + " --mask " + msk + " --dims " + std::to_string(dims) +
                                " --samples " + std::to_string(n) + " --epochs " +
                                std::to_string(epochs) + " --workers " + wl + " --json";
        std::stringstream out(run_capture(cmd));
        for (std::string line; std::getline(out, line);) {
          if (line.empty() || line[0] != '{') continue;
          json r = json::parse(line);
          py[r["workers"].get<int>()] = r["samples_per_s"].get<double>();
        }
      }
      for (int w : workers) {
        Row r{label, w};
        r.cpp = run_loader(s, dims, n, w, epochs, &r.samples, &r.seconds);
        r.py = py.count(w) ? py[w] : 0.0;
        rows.push_back(r);
        std::cerr << label << ", " << w << " worker(s): " << r.cpp << " samples/s\n";
      }
    }
    fs::remove_all(tmp);
    if (profile_reps > 0) return 0;

    std::cout << "| data | workers | medcnn samples | medcnn s | medcnn samples/s | Python samples/s | medcnn / Python |\n"
              << "|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& r : rows) {
      std::ostringstream line;
      line.setf(std::ios::fixed);
      line.precision(2);
      line << "| " << r.data << " | " << r.workers << " | " << r.samples << " | " << r.seconds
           << " | ";
      line.precision(1);
      line << r.cpp << " | ";
      if (r.py > 0) {
        line << r.py << " | ";
        line.precision(2);
        line << r.cpp / r.py << "x |";
      } else {
        line << "- | - |";
      }
      std::cout << line.str() << "\n";
    }
    std::cout << "\n" << epochs << " timed epochs after one warm-up epoch; torch intra-op threads: "
              << intra << "\n";
    return 0;
  } catch (const Error& e) {
    std::cerr << "bench_augment: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "bench_augment: " << e.what() << "\n";
    return 1;
  }
}
