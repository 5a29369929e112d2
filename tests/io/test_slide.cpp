// OpenSlide on a pyramidal TIFF made here with vips from a known pattern.
#include <torch/torch.h>

#include <fstream>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/slide.h"
#include "test_support.h"

using namespace medcnn;

namespace {

// 2048 x 1536 RGB: gradients in red and green, 64-pixel checks in blue.
at::Tensor source_pattern() {
  const int64_t W = 2048, H = 1536;
  at::Tensor x = torch::arange(W, torch::kLong).view({1, W}).expand({H, W});
  at::Tensor y = torch::arange(H, torch::kLong).view({H, 1}).expand({H, W});
  at::Tensor r = (x * 255) / (W - 1);
  at::Tensor g = (y * 255) / (H - 1);
  at::Tensor b = ((x / 64 + y / 64) % 2) * 200 + 30;
  return torch::stack({r, g, b}).to(torch::kByte).contiguous();
}

class SlideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test::run_command("command -v vips").exit_code != 0) GTEST_SKIP() << "vips not installed";
    src_ = source_pattern();
    write_image(tmp_.file("flat.tif"), Image(src_, Geometry::identity(2), PixelType::UInt8));
    auto r = test::run_command("vips tiffsave " + test::shell_quote(tmp_.file("flat.tif")) + " " +
                               test::shell_quote(tmp_.file("slide.tif")) +
                               " --tile --pyramid --tile-width 256 --tile-height 256");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  test::TempDir tmp_;
  at::Tensor src_;
};

}  // namespace

TEST_F(SlideTest, LevelsAndSizes) {
  ASSERT_TRUE(Slide::can_open(tmp_.file("slide.tif")));
  Slide s(tmp_.file("slide.tif"));
  ASSERT_GE(s.level_count(), 2);
  EXPECT_EQ(s.level_size(0), (std::array<int64_t, 2>{2048, 1536}));
  EXPECT_EQ(s.level_size(1), (std::array<int64_t, 2>{1024, 768}));
  EXPECT_DOUBLE_EQ(s.level_downsample(0), 1.0);
  EXPECT_NEAR(s.level_downsample(1), 2.0, 1e-9);
  for (int l = 1; l < s.level_count(); ++l) {
    EXPECT_LT(s.level_size(l)[0], s.level_size(l - 1)[0]);
  }
  EXPECT_THROW(s.level_size(s.level_count()), Error);
}

TEST_F(SlideTest, Level0RegionEqualsTheSourcePixels) {
  Slide s(tmp_.file("slide.tif"));
  // A region across tile borders.
  Image region = s.read_region(200, 300, 0, 400, 250);
  EXPECT_EQ(region.pixel_type, PixelType::UInt8);
  ASSERT_EQ(region.data.sizes(), (std::vector<int64_t>{3, 250, 400}));
  at::Tensor want = src_.slice(1, 300, 550).slice(2, 200, 600);
  EXPECT_TRUE(torch::equal(region.data, want));
}

TEST_F(SlideTest, Level1RegionApproximatesTheDownsampledSource) {
  Slide s(tmp_.file("slide.tif"));
  // Level-0 origin (512, 256); 300 x 200 pixels of level 1.
  Image region = s.read_region(512, 256, 1, 300, 200);
  ASSERT_EQ(region.data.sizes(), (std::vector<int64_t>{3, 200, 300}));
  at::Tensor crop = src_.slice(1, 256, 256 + 400).slice(2, 512, 512 + 600).to(torch::kFloat);
  at::Tensor down = torch::avg_pool2d(crop.unsqueeze(0), 2).squeeze(0);
  const float err = (region.data.to(torch::kFloat) - down).abs().mean().item<float>();
  EXPECT_LT(err, 2.0f);
}

TEST_F(SlideTest, OutsideTheSlideIsWhite) {
  Slide s(tmp_.file("slide.tif"));
  Image region = s.read_region(2040, 0, 0, 16, 4);
  EXPECT_TRUE(torch::equal(region.data.slice(2, 0, 8), src_.slice(1, 0, 4).slice(2, 2040, 2048)));
  EXPECT_EQ(region.data.slice(2, 8, 16).min().item<int>(), 255);
}

TEST(Slide, NonSlidesAreFormatErrorsNamingTheFile) {
  test::TempDir tmp;
  const std::string text = tmp.file("notes.svs");
  std::ofstream(text) << "not a slide";
  EXPECT_FALSE(Slide::can_open(text));
  test::expect_error_naming<FormatError>([&] { Slide s(text); }, text);
  test::expect_error_naming<IoError>([&] { Slide s(tmp.file("missing.svs")); }, tmp.file("missing.svs"));
}
