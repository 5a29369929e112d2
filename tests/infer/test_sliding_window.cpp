// Sliding-window inference: exact reassembly with an identity network, and
// Gaussian blending, padding and flips against a PyTorch (Python) oracle.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/infer/sliding_window.h"
#include "test_support.h"

using nlohmann::json;
namespace mt = medcnn::test;
using medcnn::SlidingWindowOptions;

namespace {

std::vector<double> flat(const at::Tensor& t) {
  auto c = t.contiguous().to(torch::kDouble);
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// A 3-wide zero-padded convolution checked against the oracle's blending.
void check_against_oracle(std::vector<int64_t> shape, SlidingWindowOptions o, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t d = shape.size() - 2, k = 2;
  auto image = torch::randn(shape, torch::kFloat);
  std::vector<int64_t> wshape{k, shape[1]};
  for (int64_t i = 0; i < d; ++i) wshape.push_back(3);
  auto weight = torch::randn(wshape, torch::kFloat) * 0.3;
  auto bias = torch::randn({k}, torch::kFloat);
  auto predictor = [&](const at::Tensor& x) {
    namespace F = torch::nn::functional;
    if (d == 2) return F::conv2d(x, weight, F::Conv2dFuncOptions().bias(bias).padding(1));
    return F::conv3d(x, weight, F::Conv3dFuncOptions().bias(bias).padding(1));
  };
  auto out = medcnn::sliding_window_inference(image, predictor, o);
  ASSERT_EQ(out.sizes()[1], k);
  for (int64_t a = 0; a < d; ++a) ASSERT_EQ(out.size(a + 2), shape[a + 2]);
  json in{{"shape", shape}, {"image", flat(image)}, {"weight", flat(weight)},
          {"bias", flat(bias)}, {"overlap", o.overlap}, {"mode", o.mode},
          {"sigma_scale", o.sigma_scale}, {"flip", o.flip}};
  std::vector<int64_t> roi = o.roi_size;
  if (roi.size() == 1) roi.assign(d, roi[0]);
  in["roi"] = roi;
  mt::TempDir dir;
  mt::write_text(dir.file("in.json"), in.dump());
  json ref = mt::run_oracle("sliding_window_torch.py", {dir.file("in.json")});
  ASSERT_FALSE(ref.is_null());
  auto got = flat(out);
  ASSERT_EQ(got.size(), ref["output"].size());
  double worst = 0;
  for (size_t i = 0; i < got.size(); ++i)
    worst = std::max(worst, std::abs(got[i] - ref["output"][i].get<double>()));
  EXPECT_LT(worst, 1e-4);
}

}  // namespace

TEST(SlidingWindow, WindowStartsCoverTheAxisEvenly) {
  EXPECT_EQ(medcnn::window_starts(10, 4, 0.0), (std::vector<int64_t>{0, 3, 6}));
  EXPECT_EQ(medcnn::window_starts(10, 4, 0.5), (std::vector<int64_t>{0, 2, 4, 6}));
  EXPECT_EQ(medcnn::window_starts(4, 4, 0.5), (std::vector<int64_t>{0}));
  EXPECT_EQ(medcnn::window_starts(3, 8, 0.5), (std::vector<int64_t>{0}));
}

TEST(SlidingWindow, IdentityNetworkGivesBackALargerVolumeExactly) {
  torch::manual_seed(0);
  auto volume = torch::randn({1, 2, 37, 29, 23});
  for (const char* mode : {"gaussian", "constant"}) {
    SlidingWindowOptions o;
    o.roi_size = {16, 12, 8};
    o.overlap = 0.4;
    o.mode = mode;
    o.sw_batch_size = 3;
    int calls = 0;
    auto out = medcnn::sliding_window_inference(
        volume, [&](const at::Tensor& x) { ++calls; return x.clone(); }, o);
    EXPECT_GT(calls, 1);
    EXPECT_TRUE(out.sizes().equals(volume.sizes()));
    EXPECT_LT((out - volume).abs().max().item<double>(), 1e-5) << mode;
  }
}

TEST(SlidingWindow, GaussianBlendingMatchesOracle2D) {
  SlidingWindowOptions o;
  o.roi_size = {16};
  o.overlap = 0.5;
  o.sw_batch_size = 4;
  check_against_oracle({2, 1, 45, 38}, o, 1);
}

TEST(SlidingWindow, ConstantBlendingPaddingAndFlipsMatchOracle) {
  SlidingWindowOptions o;
  o.roi_size = {12, 20};  // second axis larger than the image: padded
  o.overlap = 0.25;
  o.mode = "constant";
  o.flip = {0, 1};
  check_against_oracle({1, 2, 30, 17}, o, 2);
}

TEST(SlidingWindow, GaussianBlendingMatchesOracle3D) {
  SlidingWindowOptions o;
  o.roi_size = {8, 10, 6};
  o.overlap = 0.3;
  o.flip = {2};
  check_against_oracle({1, 1, 17, 21, 11}, o, 3);
}

TEST(SlidingWindow, ErrorsNameTheProblem) {
  auto image = torch::zeros({1, 1, 20, 20});
  SlidingWindowOptions o;
  o.roi_size = {8, 8};
  EXPECT_TRUE(mt::has(mt::expect_error<medcnn::DataError>([&] {
    medcnn::sliding_window_inference(image, [](const at::Tensor& x) { return x.narrow(2, 0, 4); }, o);
  }), "window"));
  o.flip = {2};
  EXPECT_TRUE(mt::has(mt::expect_error<medcnn::ConfigError>([&] {
    medcnn::sliding_window_inference(image, [](const at::Tensor& x) { return x; }, o);
  }), "flip"));
  EXPECT_TRUE(mt::has(mt::expect_error<medcnn::ConfigError>([&] {
    SlidingWindowOptions::from_json(json{{"overlap", 1.5}}, "inferer");
  }), "inferer.overlap"));
}
