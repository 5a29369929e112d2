// bench_mrf: the cost of MRFSmooth post-processing (infer/mrf_smooth.h) on a
// DRIVE-sized two-class map (2 x 584 x 565) and on the brain volume's
// seven-class map (7 x 62 x 128 x 128), plain MRF and contrast-sensitive CRF,
// 5 mean-field iterations, next to one sliding-window pass of the DRIVE
// recipe's U-Net over the same image (what the smoothing adds to predict).
// No peer: no MRF/CRF package is in Debian's Python (pydensecrf is not).
//
//   bench_mrf [--threads T] [--seconds S]
#include <torch/torch.h>

#include <iostream>
#include <string>
#include <thread>

#include "medcnn/infer/mrf_smooth.h"
#include "medcnn/infer/sliding_window.h"
#include "timing.h"

using namespace medcnn;

int main(int argc, char** argv) {
  int threads = 0;
  double seconds = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--seconds" && i + 1 < argc) seconds = std::stod(argv[++i]);
    else {
      std::cerr << "usage: bench_mrf [--threads T] [--seconds S]\n";
      return 2;
    }
  }
  torch::set_num_threads(threads > 0 ? threads : (int)std::thread::hardware_concurrency());
  torch::manual_seed(0);
  torch::NoGradGuard ng;
  std::cout << "| map | smoothing | median ms |\n|---|---|---:|\n";
  struct Case {
    std::string name;
    std::vector<int64_t> shape;
  };
  for (const Case& c : {Case{"2 x 584 x 565", {2, 584, 565}}, Case{"7 x 62 x 128 x 128", {7, 62, 128, 128}}}) {
    at::Tensor probs = torch::softmax(torch::randn(c.shape), 0);
    std::vector<int64_t> ishape = c.shape;
    ishape[0] = 1;
    at::Tensor image = torch::rand(ishape);
    for (double sigma : {0.0, 0.1}) {
      MrfOptions o;
      o.iterations = 5;
      o.contrast_sigma = sigma;
      auto r = bench::median_of([&] { mrf_smooth(probs, image, o); }, seconds);
      std::cout << "| " << c.name << " | " << (sigma > 0 ? "CRF (contrast_sigma 0.1)" : "MRF")
                << ", 5 iterations | " << bench::fmt(r["median_ms"], 1) << " |\n";
    }
  }
  NetworkSpec s;
  s.name = "unet";
  s.params = {{"depth", 4}, {"width", 16}, {"norm", "batch"}};
  NetworkPtr net = make_network(s);
  net->eval();
  SlidingWindowOptions w;
  w.roi_size = {128, 128};
  w.overlap = 0.25;
  w.sw_batch_size = 4;
  at::Tensor x = torch::rand({1, 1, 584, 565});
  auto r = bench::median_of(
      [&] { sliding_window_inference(x, [&](const at::Tensor& t) { return net->forward(t); }, w); },
      seconds);
  std::cout << "| 1 x 584 x 565 | (the U-Net's sliding-window pass, eager) | "
            << bench::fmt(r["median_ms"], 1) << " |\n";
  return 0;
}
