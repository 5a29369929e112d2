// Deterministic intensity preprocessing against numpy / scipy / skimage
// oracles (tests/oracles/transforms_intensity_extra.py) and invariants:
// NormalizeIntensity (use_mask), ScaleIntensityRangePercentiles,
// ClipIntensityPercentiles, CTWindow, SubtractMeanImage, ExtractGreenChannel,
// GaussianSmooth, HistogramEqualize, AdjustContrast.
#include <torch/torch.h>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/intensity/ct_window.h"
#include "test_intensity_support.h"

using namespace medcnn;
using test::apply_transform;
using test::intensity_oracle;
using test::intensity_sample;
using test::max_abs_diff;

namespace {
at::Tensor rand_image(std::vector<int64_t> shape, uint64_t seed, double scale = 100.0) {
  auto gen = at::detail::createCPUGenerator(seed);
  return torch::rand(shape, gen) * scale - scale / 3;
}

void expect_matches_oracle(const std::string& name, const Params& params, const at::Tensor& in,
                           double tol, const std::string& op = "", const Params& oracle_params = {},
                           const at::Tensor& mask = {}) {
  SCOPED_TRACE(name + " " + params.dump());
  const int dims = static_cast<int>(in.dim()) - 1;
  Sample s = intensity_sample(in.clone(), dims);
  if (mask.defined()) s.mask = Image::from_tensor(mask.unsqueeze(0).to(torch::kUInt8), dims);
  Sample out = apply_transform(name, params, s);
  EXPECT_EQ(out.image.data.scalar_type(), torch::kFloat);
  EXPECT_EQ(out.image.pixel_type, PixelType::Float32);
  at::Tensor expect = intensity_oracle(op.empty() ? name : op,
                                       oracle_params.is_null() ? params : oracle_params, in, mask);
  ASSERT_TRUE(expect.defined());
  ASSERT_EQ(out.image.data.sizes(), expect.sizes());
  EXPECT_LT(max_abs_diff(out.image.data, expect), tol);
}
}  // namespace

TEST(IntensityNormalizeMask, StatisticsOverForegroundMatchNumpy) {
  at::Tensor x = rand_image({2, 12, 10}, 3);
  at::Tensor m = torch::zeros({12, 10}, torch::kUInt8);
  m.slice(0, 2, 9).slice(1, 3, 8).fill_(2);
  expect_matches_oracle("NormalizeIntensity", {{"use_mask", true}}, x, 1e-4,
                        "NormalizeIntensityMask", Params::object(), m);
  // Foreground has mean 0 / std 1 afterwards (3-D too).
  at::Tensor v = rand_image({1, 5, 6, 7}, 4);
  Sample s = intensity_sample(v, 3);
  at::Tensor m3 = torch::zeros({1, 5, 6, 7}, torch::kUInt8);
  m3.slice(1, 1, 4).fill_(1);
  s.mask = Image::from_tensor(m3, 3);
  Sample o = apply_transform("NormalizeIntensity", {{"use_mask", true}}, s);
  at::Tensor fg = o.image.data.masked_select(m3 > 0).to(torch::kDouble);
  EXPECT_NEAR(fg.mean().item<double>(), 0.0, 1e-5);
  EXPECT_NEAR(fg.std(false).item<double>(), 1.0, 1e-5);
  EXPECT_TRUE(torch::equal(o.mask->data, m3));
  // Without a mask: DataError; default behaviour unchanged.
  EXPECT_THROW(apply_transform("NormalizeIntensity", {{"use_mask", true}}, intensity_sample(v, 3)),
               DataError);
  test::expect_unknown_key_rejected("NormalizeIntensity");
}

TEST(IntensityPercentiles, ScaleRangeMatchesNumpy) {
  at::Tensor x = rand_image({2, 9, 13}, 5);
  expect_matches_oracle("ScaleIntensityRangePercentiles", Params::object(), x, 2e-5);
  expect_matches_oracle("ScaleIntensityRangePercentiles",
                        {{"lower", 5.0}, {"upper", 95.0}, {"b_min", -1.0}, {"b_max", 2.0}, {"clip", true}},
                        x, 2e-5);
  expect_matches_oracle("ScaleIntensityRangePercentiles",
                        {{"lower", 10.0}, {"upper", 90.0}, {"relative", true}, {"channel_wise", true}},
                        x, 2e-5);
  expect_matches_oracle("ScaleIntensityRangePercentiles", {{"lower", 1.0}, {"upper", 99.0}},
                        rand_image({1, 4, 5, 6}, 6), 2e-5);
  // Integer input becomes float32.
  expect_matches_oracle("ScaleIntensityRangePercentiles", {{"clip", true}},
                        (rand_image({1, 8, 8}, 7) + 40).to(torch::kInt), 2e-5);
  test::expect_unknown_key_rejected("ScaleIntensityRangePercentiles");
  EXPECT_THROW(TransformRegistry::instance().create("ScaleIntensityRangePercentiles",
                                                    {{"lower", 60.0}, {"upper", 40.0}}),
               ConfigError);
}

TEST(IntensityPercentiles, ClipMatchesNumpy) {
  at::Tensor x = rand_image({2, 9, 13}, 8);
  expect_matches_oracle("ClipIntensityPercentiles", Params::object(), x, 2e-5);
  expect_matches_oracle("ClipIntensityPercentiles", {{"lower", 10.0}, {"upper", 80.0}, {"channel_wise", true}},
                        x, 2e-5);
  expect_matches_oracle("ClipIntensityPercentiles", {{"lower", nullptr}, {"upper", 70.0}},
                        rand_image({1, 4, 5, 6}, 9), 2e-5);
  test::expect_unknown_key_rejected("ClipIntensityPercentiles");
}

TEST(IntensityCTWindow, PresetsAndExplicitWindowsMatchNumpy) {
  at::Tensor hu = torch::linspace(-1200, 1500, 2 * 9 * 8).reshape({1, 2, 9, 8});
  Sample s = intensity_sample(hu, 3);
  Sample o = apply_transform("CTWindow", Params::object(), s);
  ASSERT_EQ(o.image.data.size(0), 3);
  EXPECT_GE(o.image.data.min().item<float>(), 0.f);
  EXPECT_LE(o.image.data.max().item<float>(), 1.f);
  expect_matches_oracle("CTWindow", Params::object(), hu, 1e-6);
  expect_matches_oracle("CTWindow", {{"windows", {"lung", {-950, 100}, {40, 400}}}},
                        hu.reshape({1, 18, 8}), 1e-6);
  // Preset values as documented.
  EXPECT_EQ(CTWindow::preset("lung"), std::make_pair(-600.0, 1500.0));
  EXPECT_EQ(CTWindow::preset("mediastinum"), std::make_pair(50.0, 350.0));
  EXPECT_EQ(CTWindow::preset("bone"), std::make_pair(400.0, 1800.0));
  // Level maps to 0.5, level -/+ width/2 to 0 / 1.
  Sample p = intensity_sample(torch::tensor({-1350.f, -600.f, 150.f}).reshape({1, 3}), 1);
  Sample q = apply_transform("CTWindow", {{"windows", "lung"}}, p);
  EXPECT_TRUE(torch::allclose(q.image.data, torch::tensor({0.f, 0.5f, 1.f}).reshape({1, 3})));
  EXPECT_THROW(TransformRegistry::instance().create("CTWindow", {{"windows", {"lungs"}}}), ConfigError);
  test::expect_unknown_key_rejected("CTWindow");
}

TEST(IntensityAdjustContrast, MatchesSkimageGammaAndIsCached) {
  // 2-D (two channels, one min-max over both) and 3-D, against
  // skimage.exposure.adjust_gamma on the min-max scaled image.
  expect_matches_oracle("AdjustContrast", {{"gamma", 1.2}}, rand_image({2, 9, 11}, 3), 1e-4);
  expect_matches_oracle("AdjustContrast", {{"gamma", 0.7}, {"invert_image", true}},
                        rand_image({1, 4, 6, 5}, 4), 1e-4);
  expect_matches_oracle("AdjustContrast", {{"gamma", 2.5}, {"retain_stats", true}},
                        rand_image({1, 7, 8}, 5), 1e-4);
  // A [0, 1] image with both ends present: x^gamma exactly (the DRIVE peer's step).
  at::Tensor u = torch::linspace(0, 1, 12).reshape({1, 3, 4});
  Sample o = apply_transform("AdjustContrast", {{"gamma", 1.2}}, intensity_sample(u, 2));
  EXPECT_LT(max_abs_diff(o.image.data, u.pow(1.2)), 1e-5);
  // Deterministic: the loader's cache keeps it (RandAdjustContrast is not).
  auto t = TransformRegistry::instance().create("AdjustContrast", {{"gamma", 1.2}});
  EXPECT_FALSE(t->is_random());
  EXPECT_THROW(TransformRegistry::instance().create("AdjustContrast", Params::object()), ConfigError);
  EXPECT_THROW(TransformRegistry::instance().create("AdjustContrast", {{"gamma", 0}}), ConfigError);
  test::expect_unknown_key_rejected("AdjustContrast");
}

TEST(IntensitySubtractMeanImage, FileAndValues) {
  test::TempDir tmp;
  at::Tensor mean = rand_image({1, 6, 7}, 10);
  write_image(tmp.file("mean.nii.gz"), Image::from_tensor(mean, 2));
  at::Tensor x = rand_image({2, 6, 7}, 11);
  Sample s = intensity_sample(x, 2);
  Sample o = apply_transform("SubtractMeanImage", {{"path", tmp.file("mean.nii.gz")}}, s);
  EXPECT_LT(max_abs_diff(o.image.data, x - mean), 1e-5);
  Sample v = apply_transform("SubtractMeanImage", {{"value", {1.0, -2.0}}}, s);
  EXPECT_LT(max_abs_diff(v.image.data[0], x[0] - 1.0), 1e-5);
  EXPECT_LT(max_abs_diff(v.image.data[1], x[1] + 2.0), 1e-5);
  // Wrong shape: GeometryError naming the file.
  try {
    apply_transform("SubtractMeanImage", {{"path", tmp.file("mean.nii.gz")}},
                    intensity_sample(rand_image({1, 6, 8}, 12), 2));
    ADD_FAILURE() << "no error for a mean image of another shape";
  } catch (const GeometryError& e) {
    EXPECT_NE(std::string(e.what()).find("mean.nii.gz"), std::string::npos) << e.what();
  }
  EXPECT_THROW(apply_transform("SubtractMeanImage", {{"value", {1.0, 2.0, 3.0}}}, s), ConfigError);
  EXPECT_THROW(TransformRegistry::instance().create("SubtractMeanImage", Params::object()), ConfigError);
  test::expect_unknown_key_rejected("SubtractMeanImage", {{"value", 1.0}});
}

TEST(IntensityExtractGreenChannel, KeepsChannelOneAndType) {
  at::Tensor rgb = torch::randint(0, 255, {3, 5, 4}, torch::kUInt8);
  Sample s = intensity_sample(rgb, 2);
  s.image.pixel_type = PixelType::UInt8;
  Sample o = apply_transform("ExtractGreenChannel", Params::object(), s);
  EXPECT_EQ(o.image.data.sizes(), (std::vector<int64_t>{1, 5, 4}));
  EXPECT_TRUE(torch::equal(o.image.data[0], rgb[1]));
  EXPECT_EQ(o.image.pixel_type, PixelType::UInt8);
  EXPECT_THROW(apply_transform("ExtractGreenChannel", Params::object(),
                               intensity_sample(torch::zeros({1, 5, 4}), 2)),
               DataError);
  test::expect_unknown_key_rejected("ExtractGreenChannel");
}

TEST(IntensityGaussianSmooth, MatchesScipyReflect2DAnd3D) {
  expect_matches_oracle("GaussianSmooth", {{"sigma", 1.5}}, rand_image({2, 17, 13}, 13), 1e-4,
                        "", {{"sigma", {1.5, 1.5}}});
  expect_matches_oracle("GaussianSmooth", {{"sigma", {0.7, 2.0}}}, rand_image({1, 9, 21}, 14), 1e-4);
  // Kernel wider than the image exercises repeated reflection.
  expect_matches_oracle("GaussianSmooth", {{"sigma", {1.0, 0.0, 3.0}}},
                        rand_image({1, 6, 7, 5}, 15), 1e-4);
  // Constant stays constant; mass is preserved by reflect borders... only
  // approximately, so just the constant.
  Sample c = intensity_sample(torch::full({1, 8, 8}, 3.0), 2);
  EXPECT_LT(max_abs_diff(apply_transform("GaussianSmooth", {{"sigma", 2.0}}, c).image.data,
                         torch::full({1, 8, 8}, 3.0)),
            1e-5);
  EXPECT_THROW(apply_transform("GaussianSmooth", {{"sigma", {1.0, 1.0, 1.0}}}, c), ConfigError);
  test::expect_unknown_key_rejected("GaussianSmooth");
}

TEST(IntensityHistogramEqualize, MatchesSkimage2DAnd3DAndMask) {
  at::Tensor x = rand_image({2, 20, 18}, 16).pow(2);  // skewed histogram
  expect_matches_oracle("HistogramEqualize", Params::object(), x, 1e-4, "", {{"num_bins", 256}});
  expect_matches_oracle("HistogramEqualize", {{"num_bins", 32}}, rand_image({1, 6, 9, 10}, 17), 1e-4);
  at::Tensor m = torch::zeros({20, 18}, torch::kUInt8);
  m.slice(0, 4, 15).slice(1, 2, 12).fill_(1);
  expect_matches_oracle("HistogramEqualize", {{"use_mask", true}}, x, 1e-4, "",
                        {{"num_bins", 256}}, m);
  // Output in [0, 1] and monotone in the input.
  Sample o = apply_transform("HistogramEqualize", Params::object(), intensity_sample(x, 2));
  at::Tensor in = x[0].reshape({-1}), out = o.image.data[0].reshape({-1});
  at::Tensor order = std::get<1>(in.sort());
  at::Tensor sorted_out = out.index({order});
  EXPECT_TRUE((sorted_out.slice(0, 1) >= sorted_out.slice(0, 0, -1) - 1e-7).all().item<bool>());
  EXPECT_LE(out.max().item<float>(), 1.f + 1e-6f);
  EXPECT_GE(out.min().item<float>(), 0.f);
  test::expect_unknown_key_rejected("HistogramEqualize");
}
