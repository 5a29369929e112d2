// Real files read by read_image against independent Python readers:
// the brain NIfTI (nibabel), DRIVE TIFF and GIF (PIL).
#include <torch/torch.h>

#include "io_checks.h"
#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;

TEST(RealImages, BrainNiftiMatchesNibabel) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  auto o = test::run_oracle("io_nifti.py", {path, "10,20,30", "64,64,31", "70,50,20", "100,90,40", "127,127,61"});
  ASSERT_FALSE(o.is_null());
  Image im = read_image(path);
  EXPECT_EQ(detect_format(path), ImageFormat::Nifti);
  ASSERT_EQ(im.dims(), 3);
  ASSERT_EQ(im.channels(), 1);
  // nibabel: [x, y, z]; ours: [C, z, y, x].
  const auto& shape = o["shape"];
  EXPECT_EQ(im.data.size(3), shape[0].get<int64_t>());
  EXPECT_EQ(im.data.size(2), shape[1].get<int64_t>());
  EXPECT_EQ(im.data.size(1), shape[2].get<int64_t>());
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(im.geometry.spacing[i], o["zooms"][i].get<double>(), 1e-6);
    EXPECT_NEAR(im.geometry.origin[i], o["origin"][i].get<double>(), 1e-4);
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(im.geometry.dir(i, j), o["direction"][i][j].get<double>(), 1e-5) << i << "," << j;
  }
  EXPECT_EQ(std::string(pixel_type_name(im.pixel_type)), o["dtype"].get<std::string>());
  for (const auto& p : o["points"]) {
    const int64_t x = p["index"][0], y = p["index"][1], z = p["index"][2];
    EXPECT_DOUBLE_EQ(im.data[0][z][y][x].item<double>(), p["value"].get<double>()) << x << "," << y << "," << z;
  }
  EXPECT_DOUBLE_EQ(test::plain_sum(im.data), o["sum"].get<double>());
  EXPECT_DOUBLE_EQ(test::weighted_checksum(im.data), o["weighted"].get<double>());
}

TEST(RealImages, DriveTiffMatchesPil) {
  MEDCNN_REQUIRE_DATA(path, "drive/training/images/21_training.tif");
  auto o = test::run_oracle("io_pil.py", {path});
  ASSERT_FALSE(o.is_null());
  Image im = read_image(path);
  EXPECT_EQ(im.dims(), 2);
  EXPECT_EQ(im.pixel_type, PixelType::UInt8);
  EXPECT_EQ(im.channels(), o["channels"].get<int64_t>());
  EXPECT_EQ(im.size()[0], o["width"].get<int64_t>());
  EXPECT_EQ(im.size()[1], o["height"].get<int64_t>());
  for (int c = 0; c < 3; ++c)
    EXPECT_EQ(im.data[c][20][10].item<int>(), o["pixel_10_20"][c].get<int>()) << "channel " << c;
  EXPECT_DOUBLE_EQ(test::plain_sum(im.data), o["sum"].get<double>());
  EXPECT_DOUBLE_EQ(test::weighted_checksum(im.data), o["weighted"].get<double>());
  // The file records a 0/0 resolution: no physical spacing.
  EXPECT_DOUBLE_EQ(im.geometry.spacing[0], 1.0);
}

TEST(RealImages, DriveGifMasksAreOneChannelUint8MatchingPil) {
  for (const char* rel : {"drive/training/1st_manual/21_manual1.gif", "drive/training/mask/21_training_mask.gif"}) {
    MEDCNN_REQUIRE_DATA(path, rel);
    SCOPED_TRACE(rel);
    auto o = test::run_oracle("io_pil.py", {path});
    ASSERT_FALSE(o.is_null());
    Image im = read_image(path);
    EXPECT_EQ(detect_format(path), ImageFormat::Gif);
    EXPECT_EQ(im.dims(), 2);
    EXPECT_EQ(im.pixel_type, PixelType::UInt8);
    EXPECT_EQ(im.channels(), 1);
    EXPECT_EQ(o["channels"].get<int64_t>(), 1);
    EXPECT_EQ(im.size()[0], o["width"].get<int64_t>());
    EXPECT_EQ(im.size()[1], o["height"].get<int64_t>());
    // Values {0, 255} exactly as PIL decodes them.
    at::Tensor distinct = std::get<0>(at::_unique(im.data.reshape({-1}), true));
    ASSERT_FALSE(o["distinct"].is_null());
    ASSERT_EQ(distinct.numel(), static_cast<int64_t>(o["distinct"].size()));
    for (int64_t i = 0; i < distinct.numel(); ++i)
      EXPECT_EQ(distinct[i].item<int>(), o["distinct"][i].get<int>());
    EXPECT_EQ(distinct[distinct.numel() - 1].item<int>(), 255);
    EXPECT_DOUBLE_EQ(test::weighted_checksum(im.data), o["weighted"].get<double>());
  }
}

TEST(RealImages, ColourGifKeepsThreeChannels) {
  // A palette GIF with colours, made by PIL; checked against PIL's decoding.
  test::TempDir tmp;
  const std::string path = tmp.file("colour.gif");
  auto r = test::run_command(
      "/usr/bin/python3 -c \"from PIL import Image; import numpy as np; "
      "a=np.zeros((12,20,3),np.uint8); a[:,:7]=(255,0,0); a[:,7:14]=(0,128,255); a[4:8,:]=(90,90,90); "
      "Image.fromarray(a).convert('P', palette=Image.ADAPTIVE, colors=8).save('" + path + "')\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = test::run_oracle("io_pil.py", {path});
  ASSERT_FALSE(o.is_null());
  Image im = read_image(path);
  EXPECT_EQ(im.channels(), 3);
  EXPECT_EQ(o["channels"].get<int64_t>(), 3);
  const int red[3] = {255, 0, 0}, blue[3] = {0, 128, 255}, grey[3] = {90, 90, 90};
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(im.data[c][0][2].item<int>(), red[c]);
    EXPECT_EQ(im.data[c][0][10].item<int>(), blue[c]);
    EXPECT_EQ(im.data[c][5][2].item<int>(), grey[c]);
  }
  EXPECT_DOUBLE_EQ(test::weighted_checksum(im.data), o["weighted"].get<double>());
}
