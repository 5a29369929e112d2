// MRFSmooth: the mean-field Potts MRF and its contrast-sensitive (CRF) form,
// worked by hand on three pixels, against a numpy / scipy.ndimage version on
// a random volume, on a noisy phantom disc (the truth is known), and through
// the post-processing config.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "medcnn/core/error.h"
#include "medcnn/infer/mrf_smooth.h"
#include "medcnn/infer/postprocess.h"
#include "phantom_disc.h"
#include "test_support.h"

using namespace medcnn;
namespace mt = medcnn::test;
using nlohmann::json;

namespace {

json nested(const at::Tensor& t) {
  if (t.dim() == 0) return t.item<double>();
  json a = json::array();
  for (int64_t i = 0; i < t.size(0); ++i) a.push_back(nested(t[i]));
  return a;
}

at::Tensor from_nested(const json& j, const std::vector<int64_t>& shape) {
  std::vector<double> flat;
  std::function<void(const json&)> walk = [&](const json& v) {
    if (v.is_array())
      for (const auto& e : v) walk(e);
    else
      flat.push_back(v.get<double>());
  };
  walk(j);
  return torch::tensor(flat, torch::kDouble).view(shape);
}

// Three pixels in a row: the left and right pixels are sure of class 0
// (0.9); the middle one leans to class 1 with probability m.
at::Tensor row(double m) {
  return torch::tensor({0.9, 1 - m, 0.9, 0.1, m, 0.1}, torch::kDouble).view({2, 3});
}

TEST(MrfSmooth, OneIterationOnThreePixelsByHand) {
  MrfOptions o;
  o.weight = 1.0;
  o.iterations = 1;
  at::Tensor q = mrf_smooth(row(0.6), at::Tensor(), o);
  // Middle: class 0 hears 0.9 + 0.9, class 1 hears 0.1 + 0.1.
  const double a = 0.4 * std::exp(1.8), b = 0.6 * std::exp(0.2);
  EXPECT_NEAR(q[0][1].item<double>(), a / (a + b), 1e-12);
  // Left: one neighbour (the middle, 0.4 / 0.6).
  const double c = 0.9 * std::exp(0.4), e = 0.1 * std::exp(0.6);
  EXPECT_NEAR(q[0][0].item<double>(), c / (c + e), 1e-12);
  EXPECT_EQ(q.argmax(0)[1].item<int64_t>(), 0);  // the lone pixel joins its neighbours
  EXPECT_EQ(row(0.6).argmax(0)[1].item<int64_t>(), 1);
  o.iterations = 0;
  EXPECT_TRUE(mrf_smooth(row(0.6), at::Tensor(), o).equal(row(0.6)));
}

TEST(MrfSmooth, AnEdgeInTheImageStopsTheSmoothing) {
  // Middle pixel at 0.7 for class 1; the image steps from 0 to 10 between
  // the middle and the right pixel. Plain MRF: class 0 wins (log 0.3 + 1.8 >
  // log 0.7 + 0.2). CRF with sigma 1: the right pixel is cut off (weight
  // e^-50), and log 0.3 + 0.9 < log 0.7 + 0.1 keeps class 1.
  at::Tensor image = torch::tensor({0.0, 0.0, 10.0}, torch::kDouble).view({1, 3});
  MrfOptions o;
  o.iterations = 1;
  EXPECT_EQ(mrf_smooth(row(0.7), image, o).argmax(0)[1].item<int64_t>(), 0);
  o.contrast_sigma = 1.0;
  at::Tensor q = mrf_smooth(row(0.7), image, o);
  const double a = 0.3 * std::exp(0.9 + 0.9 * std::exp(-50.0)), b = 0.7 * std::exp(0.1 + 0.1 * std::exp(-50.0));
  EXPECT_NEAR(q[0][1].item<double>(), a / (a + b), 1e-12);
  EXPECT_EQ(q.argmax(0)[1].item<int64_t>(), 1);
}

TEST(MrfSmooth, MatchesNumpyOnARandomVolume) {
  torch::manual_seed(3);
  at::Tensor probs = torch::softmax(2.0 * torch::randn({3, 4, 5, 6}, torch::kDouble), 0);
  at::Tensor image = torch::rand({2, 4, 5, 6}, torch::kDouble);
  for (double sigma : {0.0, 0.3}) {
    MrfOptions o;
    o.weight = 0.8;
    o.iterations = 4;
    o.contrast_sigma = sigma;
    at::Tensor got = mrf_smooth(probs, image, o);
    mt::TempDir dir;
    mt::write_text(dir.file("in.json"), json{{"probs", nested(probs)}, {"image", nested(image)},
                                             {"weight", 0.8}, {"iterations", 4},
                                             {"contrast_sigma", sigma}}.dump());
    json out = mt::run_oracle("mrf_numpy.py", {dir.file("in.json")});
    ASSERT_FALSE(out.is_null());
    at::Tensor want = from_nested(out["probs"], {3, 4, 5, 6});
    EXPECT_LT((got - want).abs().max().item<double>(), 1e-10) << "sigma " << sigma;
    EXPECT_GT((got - probs).abs().max().item<double>(), 0.05);  // it did smooth
  }
}

TEST(MrfSmooth, CleansANoisyDiscThroughThePostprocessingConfig) {
  torch::manual_seed(8);
  auto [images, masks] = mt::phantom_discs(1);
  at::Tensor truth = masks[0];
  // Foreground probability: right on average (0.7 / 0.3), with heavy pixel noise.
  at::Tensor p1 = (0.3 + 0.4 * truth.to(torch::kFloat) + 0.35 * torch::randn({32, 32})).clamp(0.01, 0.99);
  at::Tensor probs = torch::stack({1 - p1, p1});
  Postprocess pp = make_postprocess(json::parse(R"([{"name": "MRFSmooth", "weight": 1.0,
                                                     "iterations": 5}])"));
  ASSERT_EQ(pp.probability_steps.size(), 1u);
  at::Tensor smoothed = pp.smooth(probs, images[0]);
  const double before = mt::foreground_dice(probs.argmax(0), truth);
  const double after = mt::foreground_dice(smoothed.argmax(0), truth);
  EXPECT_LT(before, 0.85);
  EXPECT_GT(after, before + 0.08) << before << " -> " << after;
  EXPECT_LT((smoothed.sum(0) - 1).abs().max().item<double>(), 1e-5);
}

TEST(MrfSmooth, BadSettingsNameTheKey) {
  auto bad = [](const char* text) {
    return mt::expect_error<ConfigError>([&] { make_postprocess(json::parse(text)); });
  };
  EXPECT_TRUE(mt::has(bad(R"([{"name": "MRFSmooth", "weight": -1}])"), "postprocess[0].weight"));
  EXPECT_TRUE(mt::has(bad(R"([{"name": "MRFSmooth", "iterations": 2.5}])"), "postprocess[0].iterations"));
  EXPECT_TRUE(mt::has(bad(R"([{"name": "MRFSmooth", "beta": 1}])"), "beta"));
}

}  // namespace
