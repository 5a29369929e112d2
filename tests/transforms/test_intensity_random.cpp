// Random intensity augmentation used by the nnU-Net-like benchmark chain:
// RandScaleIntensity, RandShiftIntensity, RandAdjustContrast, RandBrightness,
// RandContrast, RandGaussianNoise, RandGaussianSmooth,
// RandSimulateLowResolution. Each: the random contract (prob 0 / 1, seeded
// determinism, mask and boxes untouched, 2-D and 3-D) and its formula.
#include <torch/torch.h>

#include "medcnn/transforms/intensity/gaussian_smooth.h"
#include "test_intensity_support.h"
#include "transform_checks.h"

using namespace medcnn;
using test::apply_transform;
using test::intensity_sample;
using test::max_abs_diff;

namespace {
Sample sample2d() { return test::object_sample({16, 14}, {2, 3}, {9, 8}, 1, 31); }
Sample sample3d() { return test::object_sample({6, 10, 9}, {1, 2, 3}, {4, 7, 6}, 2, 32); }

void contract_2d_3d(const std::string& name, const Params& p, bool seeds_differ = true) {
  test::expect_random_contract(name, p, sample2d(), seeds_differ);
  test::expect_random_contract(name, p, sample3d(), seeds_differ);
  test::expect_unknown_key_rejected(name);
  Params bad = p;
  bad["prob"] = 1.5;
  EXPECT_THROW(TransformRegistry::instance().create(name, bad), ConfigError);
}
}  // namespace

TEST(IntensityRandScaleShift, FormulaAndContract) {
  contract_2d_3d("RandScaleIntensity", {{"factors", 0.3}});
  contract_2d_3d("RandShiftIntensity", {{"offsets", 0.3}});
  Sample s = sample2d();
  at::Tensor x = s.image.data;
  EXPECT_LT(max_abs_diff(apply_transform("RandScaleIntensity", {{"prob", 1.0}, {"factors", {0.5, 0.5}}}, s)
                             .image.data,
                         x * 1.5),
            1e-6);
  EXPECT_LT(max_abs_diff(apply_transform("RandShiftIntensity", {{"prob", 1.0}, {"offsets", {2.0, 2.0}}}, s)
                             .image.data,
                         x + 2.0),
            1e-6);
  // Integer images become float32.
  Sample i = intensity_sample(torch::arange(12, torch::kInt).reshape({1, 3, 4}), 2);
  i.image.pixel_type = PixelType::Int32;
  Sample io = apply_transform("RandScaleIntensity", {{"prob", 1.0}, {"factors", {0.25, 0.25}}}, i);
  EXPECT_EQ(io.image.pixel_type, PixelType::Float32);
  EXPECT_FLOAT_EQ(io.image.data[0][0][1].item<float>(), 1.25f);
}

TEST(IntensityRandAdjustContrast, MonaiGammaFormula) {
  contract_2d_3d("RandAdjustContrast", {{"gamma", {0.6, 2.5}}});
  Sample s = sample3d();
  at::Tensor x = s.image.data.to(torch::kDouble) * 10 - 3;
  s.image.data = x.to(torch::kFloat);
  const double mn = x.min().item<double>(), range = x.max().item<double>() - mn;
  at::Tensor expect = ((x - mn) / (range + 1e-7)).pow(2.0) * range + mn;
  Sample o = apply_transform("RandAdjustContrast", {{"prob", 1.0}, {"gamma", {2.0, 2.0}}}, s);
  EXPECT_LT(max_abs_diff(o.image.data, expect), 1e-4);
  // Min and max are fixed points.
  EXPECT_NEAR(o.image.data.min().item<double>(), mn, 1e-4);
  EXPECT_NEAR(o.image.data.max().item<double>(), mn + range, 1e-4);
  // retain_stats keeps mean and std; invert_image applies to -x.
  Sample r = apply_transform("RandAdjustContrast",
                             {{"prob", 1.0}, {"gamma", {3.0, 3.0}}, {"retain_stats", true}}, s);
  EXPECT_NEAR(r.image.data.mean().item<double>(), x.mean().item<double>(), 1e-4);
  EXPECT_NEAR(r.image.data.std().item<double>(), x.std().item<double>(), 1e-4);
  Sample v = apply_transform("RandAdjustContrast",
                             {{"prob", 1.0}, {"gamma", {2.0, 2.0}}, {"invert_image", true}}, s);
  at::Tensor nx = -x;
  const double nmn = nx.min().item<double>();
  at::Tensor inv = -(((nx - nmn) / (range + 1e-7)).pow(2.0) * range + nmn);
  EXPECT_LT(max_abs_diff(v.image.data, inv), 1e-4);
  EXPECT_THROW(TransformRegistry::instance().create("RandAdjustContrast", {{"gamma", 0.2}}), ConfigError);
}

TEST(IntensityRandBrightnessContrast, NnunetFormulas) {
  contract_2d_3d("RandBrightness", Params::object());
  contract_2d_3d("RandContrast", Params::object());
  Sample s = sample2d();
  at::Tensor x = s.image.data.to(torch::kDouble);
  Sample b = apply_transform("RandBrightness", {{"prob", 1.0}, {"multiplier_range", {1.2, 1.2}}}, s);
  EXPECT_LT(max_abs_diff(b.image.data, x * 1.2), 1e-6);
  // Contrast factor 2 around the mean, clipped to the input range.
  Sample c = apply_transform("RandContrast", {{"prob", 1.0}, {"contrast_range", {2.0, 2.0}}}, s);
  const double m = x.mean().item<double>();
  at::Tensor expect = ((x - m) * 2 + m).clamp(x.min().item<double>(), x.max().item<double>());
  EXPECT_LT(max_abs_diff(c.image.data, expect), 1e-5);
  // Contrast below 1 keeps the mean and shrinks the std.
  Sample d = apply_transform("RandContrast", {{"prob", 1.0}, {"contrast_range", {0.5, 0.5}}}, s);
  EXPECT_NEAR(d.image.data.mean().item<double>(), m, 1e-5);
  EXPECT_NEAR(d.image.data.std().item<double>(), 0.5 * x.std().item<double>(), 1e-5);
  // Per-channel: two channels get different multipliers.
  Sample two = intensity_sample(torch::ones({2, 8, 8}), 2);
  Sample t = apply_transform("RandBrightness", {{"prob", 1.0}}, two, 5);
  EXPECT_NE(t.image.data[0][0][0].item<float>(), t.image.data[1][0][0].item<float>());
}

TEST(IntensityRandGaussianNoise, NoiseStatistics) {
  contract_2d_3d("RandGaussianNoise", {{"std", 0.2}});
  Sample s = intensity_sample(torch::zeros({1, 128, 128}), 2);
  Sample o = apply_transform("RandGaussianNoise",
                             {{"prob", 1.0}, {"mean", 0.5}, {"std", 0.3}, {"sample_std", false}}, s);
  EXPECT_NEAR(o.image.data.mean().item<double>(), 0.5, 0.01);
  EXPECT_NEAR(o.image.data.std().item<double>(), 0.3, 0.01);
  // sample_std: std drawn in [0, std].
  Sample q = apply_transform("RandGaussianNoise", {{"prob", 1.0}, {"std", 0.3}}, s, 11);
  EXPECT_LE(q.image.data.std().item<double>(), 0.31);
}

TEST(IntensityRandGaussianSmooth, UsesGaussianSmoothFilter) {
  contract_2d_3d("RandGaussianSmooth", Params::object());
  Sample s = sample3d();
  Sample o = apply_transform("RandGaussianSmooth", {{"prob", 1.0}, {"sigma", {1.2, 1.2}}}, s);
  EXPECT_LT(max_abs_diff(o.image.data, gaussian_smooth(s.image.data, {1.2, 1.2, 1.2})), 1e-6);
  // Smoothing lowers the variance of a noise image.
  EXPECT_LT(o.image.data.std().item<double>(), s.image.data.std().item<double>());
}

TEST(IntensityRandSimulateLowResolution, BlocksAndShape) {
  contract_2d_3d("RandSimulateLowResolution", {{"zoom_range", {0.4, 0.7}}}, false);
  // Zoom 1 is the identity; 2x2 constant blocks survive zoom 0.5 down-sampling.
  Sample s = sample2d();
  Sample same = apply_transform("RandSimulateLowResolution", {{"prob", 1.0}, {"zoom_range", {1.0, 1.0}}}, s);
  EXPECT_LT(max_abs_diff(same.image.data, s.image.data), 1e-5);
  at::Tensor blocks = torch::rand({1, 8, 8}).repeat_interleave(2, 1).repeat_interleave(2, 2);
  for (const char* mode : {"cubic", "linear"}) {
    Sample b = apply_transform("RandSimulateLowResolution",
                               {{"prob", 1.0}, {"zoom_range", {0.5, 0.5}}, {"upsample", mode}},
                               intensity_sample(blocks, 2));
    EXPECT_EQ(b.image.data.sizes(), blocks.sizes());
    // Nearest picks one pixel per block: the low-res image is the block values;
    // upsampling back to the block grid keeps the mean close.
    EXPECT_NEAR(b.image.data.mean().item<double>(), blocks.mean().item<double>(), 0.05) << mode;
  }
  // High frequencies are lost: neighbour differences shrink (3-D).
  Sample v = sample3d();
  Sample lo = apply_transform("RandSimulateLowResolution", {{"prob", 1.0}, {"zoom_range", {0.5, 0.5}}}, v);
  auto roughness = [](const at::Tensor& t) { return (t.slice(3, 1) - t.slice(3, 0, -1)).abs().mean().item<double>(); };
  EXPECT_LT(roughness(lo.image.data), 0.8 * roughness(v.image.data));
  EXPECT_THROW(TransformRegistry::instance().create("RandSimulateLowResolution", {{"upsample", "sinc"}}),
               ConfigError);
}
