// OtsuForegroundMask: threshold against skimage.filters.threshold_otsu on a
// real chest X-ray, mask and zero modes, the RGB tissue convention, errors.
#include <torch/torch.h>

#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/transforms/crop_pad/otsu_foreground_mask.h"
#include "test_support.h"
#include "transform_checks.h"

using namespace medcnn;
using torch::indexing::Slice;

namespace {
nlohmann::json skimage_otsu(const at::Tensor& values) {
  test::TempDir tmp;
  at::Tensor v = values.to(torch::kDouble).contiguous().reshape({-1});
  {
    std::ofstream f(tmp.file("v.raw"), std::ios::binary);
    f.write(reinterpret_cast<const char*>(v.data_ptr<double>()), v.numel() * 8);
  }
  return test::run_oracle("transforms_spatial_otsu.py", {tmp.file("v.raw"), "256"});
}
}  // namespace

TEST(OtsuForegroundMask, ThresholdMatchesSkimageOnARealXRay) {
  for (const char* rel : {"cxr-lungseg-demo/1.jpg", "brain-mri-itk/BrainT1Slice.png"}) {
    MEDCNN_REQUIRE_DATA(path, rel);
    SCOPED_TRACE(rel);
    Image im = read_image(path);
    at::Tensor grey = im.data[0].to(torch::kDouble);
    auto out = skimage_otsu(grey);
    ASSERT_FALSE(out.is_null());
    const double ours = OtsuForegroundMask::otsu_threshold(grey, 256);
    const double bin = out["bin_width"].get<double>();
    EXPECT_GT(bin, 0.0);
    EXPECT_NEAR(ours, out["threshold"].get<double>(), bin * 1.0001);
    // The mask selects the pixels above the threshold.
    Sample s;
    s.image = Image(im.data.narrow(0, 0, 1).clone(), im.geometry, im.pixel_type);
    OtsuForegroundMask t(Params{});
    Rng rng(0);
    t.apply(s, rng);
    ASSERT_TRUE(s.mask.has_value());
    EXPECT_EQ(s.mask->data.scalar_type(), torch::kUInt8);
    const int64_t fg = s.mask->data.sum().item<int64_t>();
    const int64_t expect_fg = out["foreground"].get<int64_t>();
    const int64_t at_bin = ((grey - out["threshold"].get<double>()).abs() <= bin * 1.0001).sum().item<int64_t>();
    EXPECT_LE(std::abs(fg - expect_fg), at_bin);
    EXPECT_GT(fg, 0);
    EXPECT_LT(fg, grey.numel());
  }
}

TEST(OtsuForegroundMask, SyntheticBimodalAndZeroMode) {
  at::Tensor x = torch::full({1, 20, 30}, 10.0f);
  // Constant background, noisy bright object: every split between the
  // modes has the same variance, skimage takes the first (bin 0's centre).
  x.index_put_({0, Slice(5, 15), Slice(10, 25)},
               200.0f + torch::rand({10, 15}, at::detail::createCPUGenerator(1)) * 5);
  Sample s;
  s.image = Image::from_tensor(x, 2);
  const double t = OtsuForegroundMask::otsu_threshold(x, 256);
  EXPECT_GT(t, 10.0);
  EXPECT_LT(t, 200.0);
  auto sk = skimage_otsu(x);
  ASSERT_FALSE(sk.is_null());
  EXPECT_NEAR(t, sk["threshold"].get<double>(), 1e-9);
  OtsuForegroundMask zero(Params{{"mode", "zero"}, {"fill", -1.0}});
  Rng rng(0);
  Sample z = s;
  zero.apply(z, rng);
  EXPECT_FALSE(z.mask.has_value());
  EXPECT_EQ((z.image.data == -1.0f).sum().item<int64_t>(), 20 * 30 - 150);
  EXPECT_TRUE(torch::equal(z.image.data.index({0, Slice(5, 15), Slice(10, 25)}),
                           x.index({0, Slice(5, 15), Slice(10, 25)})));
  OtsuForegroundMask inv(Params{{"invert", true}});
  Sample i = s;
  inv.apply(i, rng);
  EXPECT_EQ(i.mask->data.sum().item<int64_t>(), 20 * 30 - 150);
}

TEST(OtsuForegroundMask, RgbSlidesUseTheTissueConvention) {
  // Bright near-white background, pink darker tissue blob.
  at::Tensor rgb = torch::empty({3, 24, 32}, torch::kUInt8);
  rgb[0].fill_(242), rgb[1].fill_(240), rgb[2].fill_(238);
  rgb.index_put_({0, Slice(4, 14), Slice(6, 20)}, 200);
  rgb.index_put_({1, Slice(4, 14), Slice(6, 20)}, 110);
  rgb.index_put_({2, Slice(4, 14), Slice(6, 20)}, 160);
  for (std::string mode : {"grey", "saturation"}) {
    Sample s;
    s.image = Image(rgb.clone(), Geometry::identity(2), PixelType::UInt8);
    OtsuForegroundMask t(Params{{"rgb", mode}});
    Rng rng(0);
    t.apply(s, rng);
    EXPECT_EQ(s.mask->data.sum().item<int64_t>(), 140) << mode;
    EXPECT_EQ(s.mask->data.index({0, Slice(4, 14), Slice(6, 20)}).min().item<uint8_t>(), 1) << mode;
  }
}

TEST(OtsuForegroundMask, BadParametersAreConfigErrors) {
  EXPECT_THROW(OtsuForegroundMask(Params{{"mode", "crop"}}), ConfigError);
  EXPECT_THROW(OtsuForegroundMask(Params{{"bins", 1}}), ConfigError);
  EXPECT_THROW(OtsuForegroundMask(Params{{"rgb", "hue"}}), ConfigError);
  EXPECT_THROW(OtsuForegroundMask(Params{{"threshold", 3}}), ConfigError);
}
