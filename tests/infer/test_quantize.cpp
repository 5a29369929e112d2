// int8 post-training quantization (quantize.h, InferenceOptions::int8_calibration).
// Oracles: a convolution worked by hand in float arithmetic (fake
// quantization: input, weights and output rounded to the grids the
// observers' min/max define, as the int8 kernels do), which the int8 module
// must match to one output step; and the eager float network, which a
// quantized ResNet-18 must follow within the int8 tolerance. The task-level
// check (AUC on real data) is tests/cli/test_int8_cli.cpp.
#include <gtest/gtest.h>
#include <torch/csrc/jit/api/module.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/infer/optimize.h"
#include "medcnn/infer/quantize.h"
#include "medcnn/nn/network.h"
#include "phantom_disc.h"

namespace {

using medcnn::test::phantom_batch;

struct ConvNetImpl : torch::nn::Module {
  ConvNetImpl() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3).padding(1)));
  }
  at::Tensor forward(at::Tensor x) { return conv(x); }
  torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(ConvNet);

// Affine quint8 grid of [min(lo, 0), max(hi, 0)] with levels 0..qmax
// (255, or 127 on x86 CPUs without VNNI): scale, zero point.
std::pair<double, int64_t> activation_grid(double lo, double hi) {
  const int64_t qmax = medcnn::int8_activation_max();
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  const double scale = std::max((hi - lo) / static_cast<double>(qmax), 1.1920928955078125e-07);
  const int64_t zero = std::clamp<int64_t>(std::llround(-lo / scale), 0, qmax);
  return {scale, zero};
}

at::Tensor fake_quant(const at::Tensor& x, double scale, int64_t zero) {
  const int64_t qmax = medcnn::int8_activation_max();
  return (torch::clamp(torch::round(x / scale) + zero, 0, qmax) - zero) * scale;
}

TEST(Int8, ConvolutionMatchesAHandWorkedFakeQuantization) {
  if (medcnn::int8_engine().empty()) GTEST_SKIP() << "this libtorch has no quantized engine";
  torch::manual_seed(3);
  ConvNet net;
  net->eval();
  const at::Tensor x = torch::randn({2, 3, 12, 12}) * 1.5 + 0.3;
  medcnn::InferenceOptions o;
  o.int8_calibration = {x};
  auto model = medcnn::optimize_for_inference(net.ptr(), x, o);
  ASSERT_EQ(model.level(), "int8") << model.fallback_reason();
  EXPECT_NE(model.graph_dump().find("quantized::conv2d"), std::string::npos) << model.graph_dump();

  // By hand: the input on its observed grid; each output channel's weights
  // on a symmetric int8 grid of scale max|w| / 127.5; the float convolution
  // of those; the result on the output's observed grid.
  torch::NoGradGuard no_grad;
  const auto [sx, zx] = activation_grid(x.min().item<double>(), x.max().item<double>());
  const at::Tensor w = net->conv->weight;
  const at::Tensor sw = w.abs().flatten(1).amax(1) / 127.5;
  const at::Tensor wq =
      torch::clamp(torch::round(w / sw.view({-1, 1, 1, 1})), -128, 127) * sw.view({-1, 1, 1, 1});
  const at::Tensor y_float = net->forward(x);
  const auto [sy, zy] = activation_grid(y_float.min().item<double>(), y_float.max().item<double>());
  const at::Tensor want = fake_quant(
      torch::conv2d(fake_quant(x, sx, zx), wq, net->conv->bias, 1, 1), sy, zy);
  const at::Tensor got = model.forward(x);
  ASSERT_EQ(got.sizes(), want.sizes());
  // Kernels round the int32 accumulator once; the float sum may land on the
  // other side of a rounding edge: at most one output step apart.
  const double diff = (got - want).abs().max().item<double>();
  EXPECT_LE(diff, sy * 1.001) << "output step " << sy;
  // And most values agree exactly.
  const double same = ((got - want).abs() < sy * 0.5).to(torch::kFloat).mean().item<double>();
  EXPECT_GT(same, 0.95);
  // The quantized output is not the float one (a test that could not tell
  // int8 from float would pass a float module).
  EXPECT_GT((got - y_float).abs().max().item<double>(), 1e-4);
}


TEST(Int8, ResNet18FollowsTheFloatNetworkOnEveryShape) {
  if (medcnn::int8_engine().empty()) GTEST_SKIP() << "this libtorch has no quantized engine";
  torch::manual_seed(1);
  medcnn::NetworkSpec spec;
  spec.name = "resnet18";
  spec.in_channels = 1;
  spec.num_classes = 3;
  spec.params = {{"stem", "imagenet"}, {"width", 16}};
  auto net = medcnn::make_network(spec);
  net->train();
  {
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 2; ++i) net->forward(phantom_batch(8, 64, 100 + 8 * i));
  }
  net->eval();
  medcnn::InferenceOptions o;
  o.int8_calibration = {phantom_batch(16, 64, 500), phantom_batch(16, 64, 600)};
  auto model = medcnn::optimize_for_inference(net, phantom_batch(1, 64, 7), o);
  ASSERT_EQ(model.level(), "int8") << model.fallback_reason();
  const std::string graph = model.graph_dump();
  EXPECT_NE(graph.find("quantized::conv2d"), std::string::npos) << graph;
  EXPECT_NE(graph.find("quantized::add_relu"), std::string::npos) << graph;
  EXPECT_NE(graph.find("quantized::conv2d_relu"), std::string::npos) << graph;
  EXPECT_EQ(graph.find("aten::relu"), std::string::npos) << "a ReLU left unfused: " << graph;
  for (int64_t batch : {1, 4})
    for (int64_t size : {64, 80}) {
      const at::Tensor x = phantom_batch(batch, size, 20 + static_cast<uint64_t>(batch * size));
      at::Tensor want;
      {
        torch::NoGradGuard no_grad;
        want = net->forward(x);
      }
      const at::Tensor got = model.forward(x);
      ASSERT_EQ(got.sizes(), want.sizes());
      const double scale = want.abs().max().item<double>();
      EXPECT_LE((got - want).abs().max().item<double>(), 0.15 * scale)
          << "batch " << batch << " size " << size;
    }
}

TEST(Int8, ThreeDimensionalResNet18FollowsTheFloatNetwork) {
  if (medcnn::int8_engine().empty()) GTEST_SKIP() << "this libtorch has no quantized engine";
  torch::manual_seed(2);
  medcnn::NetworkSpec spec;
  spec.name = "resnet18";
  spec.in_channels = 1;
  spec.num_classes = 2;
  spec.spatial_dims = 3;
  spec.params = {{"width", 8}};
  auto net = medcnn::make_network(spec);
  // Blobs of random size in noise: volumes with structure, and batch-norm
  // statistics from them.
  auto volumes = [](int64_t n, int64_t seed) {
    torch::manual_seed(static_cast<uint64_t>(seed));
    const at::Tensor g = torch::linspace(-1, 1, 24);
    const at::Tensor r2 = g.view({-1, 1, 1}).pow(2) + g.view({1, -1, 1}).pow(2) + g.view({1, 1, -1}).pow(2);
    std::vector<at::Tensor> v;
    for (int64_t i = 0; i < n; ++i) {
      const double radius = 0.2 + 0.6 * torch::rand({1}).item<double>();
      v.push_back(((r2 < radius * radius).to(torch::kFloat) + 0.3 * torch::randn({24, 24, 24}))
                      .unsqueeze(0));
    }
    return torch::stack(v);
  };
  net->train();
  {
    torch::NoGradGuard no_grad;
    for (int i = 0; i < 2; ++i) net->forward(volumes(8, 10 + i));
  }
  net->eval();
  medcnn::InferenceOptions o;
  o.int8_calibration = {volumes(16, 30)};
  auto model = medcnn::optimize_for_inference(net, volumes(1, 40), o);
  ASSERT_EQ(model.level(), "int8") << model.fallback_reason();
  EXPECT_NE(model.graph_dump().find("quantized::conv3d"), std::string::npos) << model.graph_dump();
  const at::Tensor x = volumes(4, 50);
  at::Tensor want;
  {
    torch::NoGradGuard no_grad;
    want = net->forward(x);
  }
  const at::Tensor got = model.forward(x);
  ASSERT_EQ(got.sizes(), want.sizes());
  EXPECT_LE((got - want).abs().max().item<double>(), 0.15 * want.abs().max().item<double>());
}

TEST(Int8, BadCalibrationIsRefused) {
  torch::manual_seed(3);
  ConvNet net;
  net->eval();
  torch::NoGradGuard no_grad;
  // A module traced elsewhere would do; optimize_for_inference never passes
  // an empty list, so call the quantizer itself.
  torch::jit::Module m(c10::QualifiedName("__torch__.Empty"));
  EXPECT_THROW(medcnn::quantize_int8(m, {}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::quantize_int8(m, {at::Tensor()}), medcnn::ConfigError);
  EXPECT_THROW(medcnn::quantize_int8(m, {torch::ones({1, 3, 4, 4}, torch::kLong)}),
               medcnn::ConfigError);
}

TEST(Int8, WithoutCalibrationTheModelStaysFloat) {
  torch::manual_seed(3);
  ConvNet net;
  const at::Tensor x = torch::randn({1, 3, 8, 8});
  auto model = medcnn::optimize_for_inference(net.ptr(), x);
  EXPECT_EQ(model.level(), "optimized") << model.fallback_reason();
  EXPECT_EQ(model.graph_dump().find("quantized::"), std::string::npos);
}

}  // namespace
