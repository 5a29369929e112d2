// write_image -> read_image keeps pixels, pixel type and geometry, for every
// writer: NIfTI (.nii, .nii.gz), NRRD, MetaImage (.mha, .mhd), PNG, TIFF.
#include <torch/torch.h>

#include <cmath>
#include <filesystem>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

namespace {

// Distinct values within the range of t, varying along every axis.
at::Tensor pattern(const std::vector<int64_t>& shape, PixelType t) {
  int64_t n = 1;
  for (auto s : shape) n *= s;
  at::Tensor v = torch::arange(n, torch::kDouble).mul(37).remainder(251);  // 0..250
  switch (t) {
    case PixelType::Int8: v = v - 120; break;
    case PixelType::UInt16: v = v * 250 + 7; break;          // up to 62507
    case PixelType::Int16: v = v * 120 - 15000; break;
    case PixelType::Int32: v = v * 1000003 - 100000000; break;
    case PixelType::UInt32: v = v * 17000000 + 3; break;      // beyond int32
    case PixelType::Int64: v = v * static_cast<int64_t>(40000000000) - 5; break;  // beyond int32
    case PixelType::Float32:
    case PixelType::Float64: v = v * 0.37 - 41.125; break;
    case PixelType::Bool: v = v.remainder(2); break;
    default: break;
  }
  return v.reshape(shape).to(storage_dtype(t));
}

Geometry geometry3() {
  Geometry g = Geometry::identity(3);
  g.spacing = {0.7, 1.3, 2.5};
  g.origin = {-10.5, 20.25, 3.0};
  // A rotation: 30 degrees about z, then 20 degrees about x.
  const double a = M_PI / 6, b = M_PI / 9;
  const double rz[9] = {std::cos(a), -std::sin(a), 0, std::sin(a), std::cos(a), 0, 0, 0, 1};
  const double rx[9] = {1, 0, 0, 0, std::cos(b), -std::sin(b), 0, std::sin(b), std::cos(b)};
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += rx[r * 3 + k] * rz[k * 3 + c];
      g.set_dir(r, c, s);
    }
  return g;
}

Geometry geometry2(bool rotated) {
  Geometry g = Geometry::identity(2);
  g.spacing = {0.35, 0.8, 1};
  g.origin = {12.5, -7.25, 0};
  if (rotated) {
    const double a = M_PI / 5;
    g.set_dir(0, 0, std::cos(a));
    g.set_dir(0, 1, -std::sin(a));
    g.set_dir(1, 0, std::sin(a));
    g.set_dir(1, 1, std::cos(a));
  }
  return g;
}

void expect_same_image(const Image& got, const Image& want, bool geometry_kept = true) {
  ASSERT_TRUE(got.defined());
  EXPECT_EQ(got.dims(), want.dims());
  EXPECT_EQ(got.data.sizes(), want.data.sizes());
  EXPECT_EQ(got.pixel_type, want.pixel_type)
      << pixel_type_name(got.pixel_type) << " vs " << pixel_type_name(want.pixel_type);
  EXPECT_EQ(got.data.scalar_type(), storage_dtype(want.pixel_type));
  if (got.data.sizes() == want.data.sizes()) {
    if (is_integer(want.pixel_type))
      EXPECT_TRUE(torch::equal(got.data.to(torch::kLong), want.data.to(torch::kLong)));
    else
      EXPECT_TRUE(torch::allclose(got.data.to(torch::kDouble), want.data.to(torch::kDouble), 1e-6, 1e-6));
  }
  if (geometry_kept) {
    EXPECT_TRUE(got.geometry.same_as(want.geometry, 1e-5))
        << "got " << got.geometry.describe() << "\nwant " << want.geometry.describe();
  }
}

Image round_trip(const Image& im, const std::string& name) {
  test::TempDir tmp;
  const std::string path = tmp.file(name);
  write_image(path, im);
  EXPECT_TRUE(fs::exists(path));
  // Nothing but the file (and, for .mhd, its data file) is left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(tmp.path())) {
    ++files;
    EXPECT_NE(e.path().filename().string()[0], '.') << "temporary left: " << e.path();
  }
  EXPECT_EQ(files, file_extension(name) == ".mhd" ? 2 : 1);
  return read_image(path);
}

}  // namespace

TEST(ImageRoundTrip, Volumes3DKeepValuesTypeAndGeometryInEveryItkFormat) {
  for (const char* ext : {".nii", ".nii.gz", ".nrrd", ".mha", ".mhd"}) {
    for (PixelType t : {PixelType::UInt8, PixelType::Int8, PixelType::UInt16, PixelType::Int16,
                        PixelType::Int32, PixelType::Float32, PixelType::Float64}) {
      SCOPED_TRACE(std::string(ext) + " " + pixel_type_name(t));
      Image im(pattern({1, 4, 5, 6}, t), geometry3(), t);
      expect_same_image(round_trip(im, std::string("vol") + ext), im);
    }
  }
}

TEST(ImageRoundTrip, UnsignedAndWideIntegersKeepTheirType) {
  // uint32 (int64 storage, values beyond int32) and int64 where the format has them.
  for (const char* ext : {".nii.gz", ".nrrd", ".mha"}) {
    SCOPED_TRACE(ext);
    Image u32(pattern({1, 3, 4, 5}, PixelType::UInt32), geometry3(), PixelType::UInt32);
    expect_same_image(round_trip(u32, std::string("u32") + ext), u32);
  }
  for (const char* ext : {".nii.gz", ".mha"}) {
    SCOPED_TRACE(ext);
    Image i64(pattern({1, 3, 4, 5}, PixelType::Int64), geometry3(), PixelType::Int64);
    expect_same_image(round_trip(i64, std::string("i64") + ext), i64);
  }
}

TEST(ImageRoundTrip, MultiChannelVolumesAreVectorPixels) {
  for (const char* ext : {".nii.gz", ".nrrd", ".mha"}) {
    SCOPED_TRACE(ext);
    Image im(pattern({3, 4, 5, 6}, PixelType::Float32), geometry3(), PixelType::Float32);
    expect_same_image(round_trip(im, std::string("vec") + ext), im);
  }
}

TEST(ImageRoundTrip, VolumeWithOneSliceStays3D) {
  for (const char* ext : {".nii.gz", ".nrrd", ".mha"}) {
    SCOPED_TRACE(ext);
    Image im(pattern({1, 1, 5, 6}, PixelType::Int16), geometry3(), PixelType::Int16);
    expect_same_image(round_trip(im, std::string("thin") + ext), im);
  }
}

TEST(ImageRoundTrip, Images2DKeepGeometryInItkFormats) {
  for (const char* ext : {".nii", ".nii.gz", ".nrrd", ".mha"}) {
    for (int64_t channels : {1, 3}) {
      SCOPED_TRACE(std::string(ext) + " x" + std::to_string(channels));
      Image im(pattern({channels, 7, 9}, PixelType::UInt16), geometry2(true), PixelType::UInt16);
      expect_same_image(round_trip(im, std::string("slice") + ext), im);
    }
  }
}

TEST(ImageRoundTrip, PngKeepsValuesTypeAndChannels) {
  for (PixelType t : {PixelType::UInt8, PixelType::UInt16}) {
    for (int64_t channels : {1, 3, 4}) {
      SCOPED_TRACE(std::string(pixel_type_name(t)) + " x" + std::to_string(channels));
      Image im(pattern({channels, 11, 13}, t), Geometry::identity(2), t);
      expect_same_image(round_trip(im, "img.png"), im);
    }
  }
}

TEST(ImageRoundTrip, PngChannelsAreRgbNotBgr) {
  // Red only in channel 0: an RGB/BGR swap would move it to channel 2.
  at::Tensor t = torch::zeros({3, 4, 4}, torch::kByte);
  t[0].fill_(200);
  Image im(t, Geometry::identity(2), PixelType::UInt8);
  Image back = round_trip(im, "red.png");
  EXPECT_EQ(back.data[0].min().item<int>(), 200);
  EXPECT_EQ(back.data[2].max().item<int>(), 0);
}

TEST(ImageRoundTrip, TiffKeepsValuesTypeChannelsAndSpacing) {
  for (PixelType t : {PixelType::UInt8, PixelType::UInt16, PixelType::Float32}) {
    for (int64_t channels : {1, 3}) {
      SCOPED_TRACE(std::string(pixel_type_name(t)) + " x" + std::to_string(channels));
      Geometry g = Geometry::identity(2);
      g.spacing = {0.35, 0.8, 1};
      Image im(pattern({channels, 10, 12}, t), g, t);
      Image back = round_trip(im, "img.tif");
      expect_same_image(back, im, false);
      EXPECT_NEAR(back.geometry.spacing[0], 0.35, 1e-6);
      EXPECT_NEAR(back.geometry.spacing[1], 0.8, 1e-6);
    }
  }
}

TEST(ImageRoundTrip, TiffSpacingIsReadableByOtherTools) {
  // PIL must see the resolution we recorded: 10 / 0.25 = 40 pixels per cm.
  Geometry g = Geometry::identity(2);
  g.spacing = {0.25, 0.5, 1};
  Image im(pattern({1, 6, 8}, PixelType::UInt8), g, PixelType::UInt8);
  test::TempDir tmp;
  write_image(tmp.file("res.tif"), im);
  auto r = test::run_command(
      "/usr/bin/python3 -c \"from PIL import Image; im=Image.open('" + tmp.file("res.tif") +
      "'); t=im.tag_v2; print(float(t[282]), float(t[283]), int(t[296]))\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  double xres = 0, yres = 0;
  int unit = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str(), "%lf %lf %d", &xres, &yres, &unit), 3) << r.out;
  EXPECT_NEAR(xres, 40.0, 1e-6);
  EXPECT_NEAR(yres, 20.0, 1e-6);
  EXPECT_EQ(unit, 3);  // centimetre
}

TEST(ImageRoundTrip, JpegIsCloseAndUint8) {
  at::Tensor smooth = torch::linspace(0, 200, 32 * 32).reshape({1, 32, 32}).to(torch::kByte);
  Image im(smooth.repeat({3, 1, 1}), Geometry::identity(2), PixelType::UInt8);
  Image back = round_trip(im, "img.jpg");
  ASSERT_EQ(back.data.sizes(), im.data.sizes());
  EXPECT_EQ(back.pixel_type, PixelType::UInt8);
  EXPECT_LT((back.data.to(torch::kFloat) - im.data.to(torch::kFloat)).abs().mean().item<float>(), 3.0f);
}

TEST(ImageRoundTrip, BoolMasksAreWrittenAsUint8) {
  Image mask(pattern({1, 3, 4, 5}, PixelType::Bool), geometry3(), PixelType::Bool);
  test::TempDir tmp;
  write_image(tmp.file("mask.nii.gz"), mask);
  Image back = read_image(tmp.file("mask.nii.gz"));
  EXPECT_EQ(back.pixel_type, PixelType::UInt8);
  EXPECT_TRUE(torch::equal(back.data, mask.data.to(torch::kByte)));
}

TEST(ImageRoundTrip, OverwritingReplacesTheFile) {
  test::TempDir tmp;
  Image a(pattern({1, 4, 4}, PixelType::UInt8), Geometry::identity(2), PixelType::UInt8);
  Image b(a.data.flip({1}).contiguous(), Geometry::identity(2), PixelType::UInt8);
  write_image(tmp.file("x.png"), a);
  write_image(tmp.file("x.png"), b);
  EXPECT_TRUE(torch::equal(read_image(tmp.file("x.png")).data, b.data));
}
