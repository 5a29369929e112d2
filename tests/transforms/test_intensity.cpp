// NormalizeIntensity and ScaleIntensity against a numpy oracle.
#include <torch/torch.h>

#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/transforms/intensity/normalize_intensity.h"
#include "medcnn/transforms/intensity/scale_intensity.h"
#include "test_support.h"

using namespace medcnn;

namespace {

// Two-channel 2-D image with some exact zeros and different channel ranges.
at::Tensor test_image() {
  auto gen = at::detail::createCPUGenerator(21);
  at::Tensor x = torch::rand({2, 9, 11}, gen);
  x[0] = x[0] * 50 + 10;
  x[1] = x[1] * 3 - 1;
  at::Tensor zeros = torch::rand({2, 9, 11}, gen) < 0.3;
  return x.masked_fill(zeros, 0.0);
}

void check_against_oracle(const std::string& op, const nlohmann::json& params, at::Tensor in) {
  SCOPED_TRACE(op + " " + params.dump());
  test::TempDir tmp;
  at::Tensor flat = in.to(torch::kDouble).contiguous().reshape({-1});
  nlohmann::json spec;
  spec["op"] = op;
  spec["params"] = params;
  spec["shape"] = in.sizes().vec();
  spec["data"] = std::vector<double>(flat.data_ptr<double>(), flat.data_ptr<double>() + flat.numel());
  {
    std::ofstream f(tmp.file("in.json"));
    f << spec.dump();
  }
  auto out = test::run_oracle("transforms_intensity.py", {tmp.file("in.json")});
  ASSERT_FALSE(out.is_null());
  auto expect = out["data"].get<std::vector<double>>();

  auto t = TransformRegistry::instance().create(op, params);
  Sample s;
  s.image = Image::from_tensor(in.clone(), 2);
  Rng rng(0);
  t->apply(s, rng);
  EXPECT_EQ(s.image.data.scalar_type(), torch::kFloat);
  EXPECT_EQ(s.image.pixel_type, PixelType::Float32);
  at::Tensor got = s.image.data.to(torch::kDouble).reshape({-1});
  ASSERT_EQ(got.numel(), static_cast<int64_t>(expect.size()));
  double worst = 0;
  for (int64_t i = 0; i < got.numel(); ++i)
    worst = std::max(worst, std::abs(got[i].item<double>() - expect[i]));
  EXPECT_LT(worst, 2e-5);
}

}  // namespace

TEST(NormalizeIntensity, MatchesNumpy) {
  at::Tensor x = test_image();
  check_against_oracle("NormalizeIntensity", nlohmann::json::object(), x);
  check_against_oracle("NormalizeIntensity", {{"nonzero", true}}, x);
  check_against_oracle("NormalizeIntensity", {{"channel_wise", false}}, x);
  check_against_oracle("NormalizeIntensity", {{"channel_wise", false}, {"nonzero", true}}, x);
  check_against_oracle("NormalizeIntensity", {{"subtrahend", {5.0, -1.0}}, {"divisor", 2.5}}, x);
}

TEST(NormalizeIntensity, ZerosStayWithNonzeroAndConstantImagesDoNotBlowUp) {
  Sample s;
  s.image = Image::from_tensor(torch::tensor({0.f, 2.f, 4.f, 0.f}).reshape({1, 2, 2}), 2);
  NormalizeIntensity n(Params{{"nonzero", true}});
  Rng rng(0);
  n.apply(s, rng);
  EXPECT_EQ(s.image.data[0][0][0].item<float>(), 0.f);
  EXPECT_FLOAT_EQ(s.image.data[0][0][1].item<float>(), -1.f);
  EXPECT_FLOAT_EQ(s.image.data[0][1][0].item<float>(), 1.f);
  Sample c;
  c.image = Image::from_tensor(torch::full({1, 3, 3}, 7, torch::kUInt8), 2);
  NormalizeIntensity d(nlohmann::json::object());
  d.apply(c, rng);
  EXPECT_TRUE(torch::equal(c.image.data, torch::zeros({1, 3, 3})));
}

TEST(NormalizeIntensity, DoesNotWriteIntoTheInputTensor) {
  at::Tensor x = test_image();
  Sample s;
  s.image = Image::from_tensor(x, 2);
  NormalizeIntensity n(nlohmann::json::object());
  Rng rng(0);
  n.apply(s, rng);
  EXPECT_TRUE(torch::equal(x, test_image()));
}

TEST(ScaleIntensity, MatchesNumpy) {
  at::Tensor x = test_image();
  check_against_oracle("ScaleIntensity", nlohmann::json::object(), x);
  check_against_oracle("ScaleIntensity", {{"minv", -1.0}, {"maxv", 1.0}, {"channel_wise", true}}, x);
  check_against_oracle("ScaleIntensity", {{"minv", 0.0}, {"maxv", 255.0}}, x.to(torch::kInt));
}

TEST(ScaleIntensity, ConstantImageBecomesMinv) {
  Sample s;
  s.image = Image::from_tensor(torch::full({1, 2, 2}, 3.0), 2);
  ScaleIntensity t(Params{{"minv", 0.25}, {"maxv", 1.0}});
  Rng rng(0);
  t.apply(s, rng);
  EXPECT_TRUE(torch::allclose(s.image.data, torch::full({1, 2, 2}, 0.25)));
}
