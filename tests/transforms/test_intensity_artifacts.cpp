// Random artefacts and colour: RandBiasField, RandMotion, RandGhosting,
// RandCoarseDropout, RandHueSaturation (contract + semantics / oracle).
#include <torch/torch.h>

#include "test_intensity_support.h"
#include "transform_checks.h"

using namespace medcnn;
using test::apply_transform;
using test::intensity_sample;
using test::max_abs_diff;

namespace {
Sample sample2d() { return test::object_sample({32, 28}, {4, 5}, {20, 18}, 1, 41); }
Sample sample3d() { return test::object_sample({8, 16, 12}, {1, 2, 3}, {5, 9, 8}, 1, 42); }
double energy(const at::Tensor& t) { return t.to(torch::kDouble).pow(2).sum().item<double>(); }
void contract(const std::string& name, const Params& p) {
  test::expect_random_contract(name, p, sample2d());
  test::expect_random_contract(name, p, sample3d());
  test::expect_unknown_key_rejected(name);
}
}  // namespace

TEST(IntensityRandBiasField, SmoothPositiveFieldWithinCoefficientBounds) {
  contract("RandBiasField", Params::object());
  Sample ones = intensity_sample(torch::ones({2, 20, 24}), 2);
  Sample o = apply_transform("RandBiasField", {{"prob", 1.0}, {"coeff_range", {0.05, 0.1}}}, ones, 3);
  at::Tensor f = o.image.data;
  // Same field on both channels; positive; |log field| <= sum |c| |P| <= 10 * 0.1.
  EXPECT_TRUE(torch::allclose(f[0], f[1]));
  EXPECT_GT(f.min().item<double>(), std::exp(-1.0) - 1e-6);
  EXPECT_LT(f.max().item<double>(), std::exp(1.0) + 1e-6);
  // With all coefficients equal to c, the field at the corner (all P_n(1) = 1)
  // is exp(c * number_of_terms): degree 2 in 2-D has 6 terms.
  Sample c = apply_transform("RandBiasField", {{"prob", 1.0}, {"degree", 2}, {"coeff_range", {0.1, 0.1}}},
                             ones, 3);
  EXPECT_NEAR(c.image.data[0][-1][-1].item<double>(), std::exp(0.6), 1e-5);
  // 3-D degree 1: 4 terms.
  Sample v = apply_transform("RandBiasField", {{"prob", 1.0}, {"degree", 1}, {"coeff_range", {0.1, 0.1}}},
                             intensity_sample(torch::ones({1, 4, 5, 6}), 3), 3);
  EXPECT_NEAR(v.image.data[0][-1][-1][-1].item<double>(), std::exp(0.4), 1e-5);
  // Smooth: neighbour ratios are close to 1.
  at::Tensor ratio = f[0].slice(1, 1) / f[0].slice(1, 0, -1);
  EXPECT_LT((ratio - 1).abs().max().item<double>(), 0.1);
}

TEST(IntensityRandMotion, ChangesImageAndKeepsEnergy) {
  contract("RandMotion", {{"degrees", 8.0}, {"translation", 4.0}});
  for (Sample s : {sample2d(), sample3d()}) {
    Sample o = apply_transform("RandMotion", {{"prob", 1.0}, {"num_transforms", 3}, {"translation", 2.0}}, s, 5);
    EXPECT_EQ(o.image.data.sizes(), s.image.data.sizes());
    EXPECT_GT(max_abs_diff(o.image.data, s.image.data), 1e-3);
    const double ratio = energy(o.image.data) / energy(s.image.data);
    EXPECT_GT(ratio, 0.5) << s.image.data.sizes();
    EXPECT_LT(ratio, 1.2) << s.image.data.sizes();
  }
  // No movement: the identity.
  Sample s = sample2d();
  Sample still = apply_transform("RandMotion", {{"prob", 1.0}, {"degrees", 0.0}, {"translation", 0.0}}, s);
  EXPECT_LT(max_abs_diff(still.image.data, s.image.data), 1e-4);
}

TEST(IntensityRandGhosting, GhostsAtExpectedOffsetAndEnergyBound) {
  contract("RandGhosting", Params::object());
  // A bright square in a 64 x 64 image; 4 ghosts along axis 0, full intensity,
  // no restore: out = x - 1/4 sum_k roll(x, 16 k) along that axis.
  at::Tensor x = torch::zeros({1, 64, 64});
  x.index_put_({0, torch::indexing::Slice(10, 15), torch::indexing::Slice(20, 26)}, 1.0);
  Sample s = intensity_sample(x, 2);
  Sample o = apply_transform("RandGhosting", {{"prob", 1.0}, {"num_ghosts", 4}, {"axes", {0}},
                                              {"intensity", {1.0, 1.0}}, {"restore", 0.0}},
                             s);
  at::Tensor expect = x.clone();
  for (int k = 0; k < 4; ++k) expect -= 0.25 * torch::roll(x, {16 * k}, {1});
  EXPECT_LT(max_abs_diff(o.image.data, expect), 1e-4);
  EXPECT_NEAR(o.image.data[0][12 + 16][22].item<float>(), -0.25f, 1e-4);  // a ghost
  EXPECT_NEAR(o.image.data[0][12][40].item<float>(), 0.f, 1e-4);          // nothing beside it
  EXPECT_LE(energy(o.image.data), energy(x) + 1e-6);
  // Restoring the centre keeps most of the energy; axis 1 puts ghosts along x.
  Sample r = apply_transform("RandGhosting", {{"prob", 1.0}, {"num_ghosts", 4}, {"axes", {1}},
                                              {"intensity", 0.5}, {"restore", 0.1}},
                             s, 3);
  EXPECT_LE(energy(r.image.data), energy(x) + 1e-6);
  EXPECT_GT(std::abs(r.image.data[0][12][22 + 16].item<float>()), 0.02f);
}

TEST(IntensityRandCoarseDropout, HolesAndFill) {
  contract("RandCoarseDropout", {{"holes", 2}, {"spatial_size", 3}});
  at::Tensor x = torch::ones({2, 20, 20});
  Sample s = intensity_sample(x, 2);
  Sample o = apply_transform("RandCoarseDropout", {{"prob", 1.0}, {"holes", 1}, {"spatial_size", {4, 5}},
                                                   {"fill_value", 0.0}},
                             s, 9);
  // One 4 x 5 hole of zeros, same on both channels.
  EXPECT_EQ((o.image.data[0] == 0).sum().item<int64_t>(), 20);
  EXPECT_TRUE(torch::equal(o.image.data[0], o.image.data[1]));
  at::Tensor nz = torch::nonzero(o.image.data[0] == 0);
  EXPECT_EQ(nz.select(1, 0).max().item<int64_t>() - nz.select(1, 0).min().item<int64_t>(), 3);
  EXPECT_EQ(nz.select(1, 1).max().item<int64_t>() - nz.select(1, 1).min().item<int64_t>(), 4);
  // Keep only the holes: everything else filled.
  Sample k = apply_transform("RandCoarseDropout", {{"prob", 1.0}, {"spatial_size", 4}, {"fill_value", 5.0},
                                                   {"dropout_holes", false}},
                             intensity_sample(torch::ones({1, 6, 7, 8}), 3), 2);
  EXPECT_EQ((k.image.data == 1).sum().item<int64_t>(), 64);
  // Random fill stays within the image range.
  Sample r = apply_transform("RandCoarseDropout", {{"prob", 1.0}, {"holes", 3}, {"max_holes", 5},
                                                   {"spatial_size", 4}, {"max_spatial_size", 8}},
                             sample2d(), 4);
  EXPECT_GE(r.image.data.min().item<float>(), sample2d().image.data.min().item<float>());
  EXPECT_LE(r.image.data.max().item<float>(), sample2d().image.data.max().item<float>());
}

TEST(IntensityRandHueSaturation, MatchesSkimageHsvRoundTrip) {
  auto gen = at::detail::createCPUGenerator(5);
  at::Tensor rgb = torch::rand({3, 9, 10}, gen);
  Sample s = intensity_sample(rgb, 2);
  test::expect_random_contract("RandHueSaturation", {{"hue", 0.1}}, s);
  test::expect_random_contract("RandHueSaturation", {{"hue", 0.1}},
                               intensity_sample(torch::rand({3, 4, 5, 6}, gen), 3));
  test::expect_unknown_key_rejected("RandHueSaturation");
  for (auto [shift, factor] : {std::pair{0.2, 1.3}, std::pair{-0.35, 0.6}}) {
    Sample o = apply_transform("RandHueSaturation", {{"prob", 1.0}, {"hue", {shift, shift}},
                                                     {"saturation", {factor, factor}}},
                               s);
    at::Tensor expect = test::intensity_oracle("HueSaturation",
                                               {{"hue_shift", shift}, {"saturation_factor", factor}}, rgb);
    ASSERT_TRUE(expect.defined());
    EXPECT_LT(max_abs_diff(o.image.data, expect), 1e-5) << shift << " " << factor;
  }
  // Identity parameters give the input back; scale (0..255) is kept.
  Sample u = intensity_sample(rgb * 255, 2);
  Sample id = apply_transform("RandHueSaturation", {{"prob", 1.0}, {"hue", 0.0}, {"saturation", {1.0, 1.0}}}, u);
  EXPECT_LT(max_abs_diff(id.image.data, rgb * 255), 1e-3);
  EXPECT_THROW(apply_transform("RandHueSaturation", {{"prob", 1.0}}, sample2d()), DataError);
}
