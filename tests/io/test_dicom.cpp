// DICOM through ITK/GDCM against pydicom: series order, spacing, pixel
// values, rescale to HU, several series in one folder, compressed files.
#include <torch/torch.h>

#include <filesystem>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/dicom.h"
#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

namespace {

// Pixels of a [rows][cols] JSON list against a [H, W] tensor.
void expect_pixels(const at::Tensor& plane, const nlohmann::json& rows, double tol = 1e-4) {
  ASSERT_EQ(plane.size(0), static_cast<int64_t>(rows.size()));
  ASSERT_EQ(plane.size(1), static_cast<int64_t>(rows[0].size()));
  at::Tensor p = plane.to(torch::kDouble).contiguous();
  const double* d = p.data_ptr<double>();
  int bad = 0;
  for (size_t y = 0; y < rows.size(); ++y)
    for (size_t x = 0; x < rows[y].size(); ++x) {
      const double want = rows[y][x].get<double>(), got = d[y * rows[y].size() + x];
      if (std::abs(want - got) > tol && ++bad <= 5)
        ADD_FAILURE() << "pixel (x=" << x << ", y=" << y << "): " << got << " vs pydicom " << want;
    }
  EXPECT_EQ(bad, 0);
}

}  // namespace

TEST(Dicom, Mr700SeriesMatchesPydicom) {
  MEDCNN_REQUIRE_DATA(folder, "dicom-pydicom/dicomdirtests/98892003/MR700");
  auto o = test::run_oracle("io_dicom.py", {"series", folder});
  ASSERT_FALSE(o.is_null());
  Image im = read_image(folder);
  EXPECT_EQ(detect_format(folder), ImageFormat::DicomSeries);
  ASSERT_EQ(im.dims(), 3);
  ASSERT_EQ(im.channels(), 1);
  const int64_t n = static_cast<int64_t>(o["slices"].size());
  EXPECT_EQ(n, 7);
  EXPECT_EQ(im.data.size(1), n);
  EXPECT_EQ(im.data.size(2), o["rows"].get<int64_t>());
  EXPECT_EQ(im.data.size(3), o["columns"].get<int64_t>());
  // Slices in pydicom's order along the normal, each with its own pixels.
  for (int64_t z = 0; z < n; ++z) {
    SCOPED_TRACE("slice " + std::to_string(z) + " = file " + o["files"][z].get<std::string>());
    expect_pixels(im.data[0][z], o["slices"][z]);
  }
  EXPECT_NEAR(im.geometry.spacing[0], o["pixel_spacing_xy"][0].get<double>(), 1e-6);
  EXPECT_NEAR(im.geometry.spacing[1], o["pixel_spacing_xy"][1].get<double>(), 1e-6);
  EXPECT_NEAR(im.geometry.spacing[2], o["spacing_z"].get<double>(), 1e-4);
  for (int r = 0; r < 3; ++r) {
    EXPECT_NEAR(im.geometry.origin[r], o["origin"][r].get<double>(), 1e-4);
    EXPECT_NEAR(im.geometry.dir(r, 0), o["orientation"][r].get<double>(), 1e-5);
    EXPECT_NEAR(im.geometry.dir(r, 1), o["orientation"][3 + r].get<double>(), 1e-5);
    EXPECT_NEAR(im.geometry.dir(r, 2), o["normal"][r].get<double>(), 1e-5);
  }
  EXPECT_EQ(im.modality, o["modality"].get<std::string>());
  EXPECT_EQ(im.meta.at("SeriesInstanceUID"), o["uid"].get<std::string>());
  EXPECT_EQ(im.meta.at("slices"), "7");
  // The MR700 projections rotate: the series says so rather than pretending.
  EXPECT_FALSE(o["parallel"].get<bool>());
  EXPECT_EQ(im.meta.count("slice_orientation"), 1u);
  // list_dicom_series gives the same files in the same order.
  auto series = list_dicom_series(folder);
  ASSERT_EQ(series.size(), 1u);
  ASSERT_EQ(series[0].files.size(), 7u);
  EXPECT_EQ(series[0].uid, o["uid"].get<std::string>());
  for (size_t i = 0; i < 7; ++i)
    EXPECT_EQ(fs::path(series[0].files[i]).filename().string(), o["files"][i].get<std::string>());
}

TEST(Dicom, CtSmallIsInHounsfieldUnits) {
  MEDCNN_REQUIRE_DATA(path, "dicom-pydicom/CT_small.dcm");
  auto o = test::run_oracle("io_dicom.py", {"file", path});
  ASSERT_FALSE(o.is_null());
  ASSERT_TRUE(o["slope"].get<double>() != 1.0 || o["intercept"].get<double>() != 0.0)
      << "the test needs a file with a rescale";
  EXPECT_TRUE(is_dicom_file(path));
  EXPECT_EQ(detect_format(path), ImageFormat::Dicom);
  Image im = read_image(path);
  ASSERT_EQ(im.dims(), 2);
  EXPECT_EQ(im.pixel_type, PixelType::Float32);
  expect_pixels(im.data[0], o["pixels"]);
  EXPECT_EQ(im.modality, "CT");
  EXPECT_EQ(im.meta.at("PatientID"), o["patient_id"].get<std::string>());
  EXPECT_EQ(im.meta.at("StudyInstanceUID"), o["study_uid"].get<std::string>());
  EXPECT_EQ(im.meta.at("SeriesInstanceUID"), o["series_uid"].get<std::string>());
  EXPECT_EQ(im.meta.at("slices"), "1");
}

TEST(Dicom, CompressedTransferSyntaxesDecodeLikePydicom) {
  // The same MR image, uncompressed and in lossless encodings GDCM decodes.
  for (const char* name : {"MR_small.dcm", "MR_small_RLE.dcm", "MR_small_jpeg_ls_lossless.dcm",
                           "MR_small_jp2klossless.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm"}) {
    MEDCNN_REQUIRE_DATA(path, std::string("dicom-pydicom/") + name);
    SCOPED_TRACE(name);
    auto o = test::run_oracle("io_dicom.py", {"file", test::shared_data("dicom-pydicom/MR_small.dcm")});
    ASSERT_FALSE(o.is_null());
    Image im = read_dicom_file(path);
    ASSERT_EQ(im.dims(), 2);
    expect_pixels(im.data[0], o["pixels"]);
  }
}

TEST(Dicom, UndecodableDicomIsAFormatErrorNamingIt) {
  MEDCNN_REQUIRE_DATA(path, "dicom-pydicom/MR_truncated.dcm");
  test::expect_error_naming<FormatError>([&] { read_image(path); }, path);
}

TEST(Dicom, TwoSeriesInAFolderNeedAUid) {
  MEDCNN_REQUIRE_DATA(mr, "dicom-pydicom/dicomdirtests/98892003/MR700");
  MEDCNN_REQUIRE_DATA(ct, "dicom-pydicom/dicomdirtests/77654033/CT2");
  test::TempDir tmp;
  const std::string folder = tmp.file("mixed");
  fs::create_directory(folder);
  for (const auto& src : {mr, ct})
    for (const auto& e : fs::directory_iterator(src))
      fs::copy_file(e.path(), fs::path(folder) / (fs::path(src).filename().string() + "_" + e.path().filename().string()));
  auto uids = test::run_oracle("io_dicom.py", {"uids", folder});
  ASSERT_FALSE(uids.is_null());
  ASSERT_EQ(uids["uids"].size(), 2u);
  const std::string uid_a = uids["uids"][0], uid_b = uids["uids"][1];

  try {
    read_image(folder);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(folder), std::string::npos) << what;
    EXPECT_NE(what.find(uid_a), std::string::npos) << what;
    EXPECT_NE(what.find(uid_b), std::string::npos) << what;
  }
  EXPECT_EQ(list_dicom_series(folder).size(), 2u);

  auto mr_truth = test::run_oracle("io_dicom.py", {"series", mr});
  ASSERT_FALSE(mr_truth.is_null());
  Image im = read_dicom_series(folder, mr_truth["uid"].get<std::string>());
  EXPECT_EQ(im.data.size(1), 7);
  EXPECT_EQ(im.meta.at("SeriesInstanceUID"), mr_truth["uid"].get<std::string>());
  expect_pixels(im.data[0][3], mr_truth["slices"][3]);

  auto ct_truth = test::run_oracle("io_dicom.py", {"series", ct});
  ASSERT_FALSE(ct_truth.is_null());
  Image ct_im = read_dicom_series(folder, ct_truth["uid"].get<std::string>());
  EXPECT_EQ(ct_im.data.size(1), static_cast<int64_t>(ct_truth["slices"].size()));
  expect_pixels(ct_im.data[0][0], ct_truth["slices"][0]);

  test::expect_error_naming<DataError>([&] { read_dicom_series(folder, "1.2.3.4.5"); }, folder, "1.2.3.4.5");
}

TEST(Dicom, MissingFolderIsAnIoError) {
  test::TempDir tmp;
  test::expect_error_naming<IoError>([&] { read_dicom_series(tmp.file("nope")); }, tmp.file("nope"));
  test::expect_error_naming<IoError>([&] { read_dicom_file(tmp.file("nope.dcm")); }, tmp.file("nope.dcm"));
}

TEST(Dicom, NonDicomFilesAreNotDicom) {
  test::TempDir tmp;
  Image im(torch::zeros({1, 4, 4}, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  write_image(tmp.file("a.png"), im);
  EXPECT_FALSE(is_dicom_file(tmp.file("a.png")));
  EXPECT_FALSE(is_dicom_file(tmp.path()));
}

TEST(Dicom, EveryPydicomTestFileReadsOrFailsWithAnError) {
  // Many transfer syntaxes and odd objects (RT, SR, waveforms, bad VRs):
  // each one gives an Image or a medcnn::Error naming it, never a crash or a
  // foreign exception.
  MEDCNN_REQUIRE_DATA(dir, "dicom-pydicom");
  int read = 0, refused = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".dcm") continue;
    const std::string path = e.path().string();
    try {
      Image im = read_image(path);
      EXPECT_NO_THROW(im.validate()) << path;
      ++read;
    } catch (const Error& err) {
      EXPECT_NE(std::string(err.what()).find(path), std::string::npos) << err.what();
      ++refused;
      if (std::getenv("MEDCNN_TEST_VERBOSE")) std::cout << err.what() << "\n";
    } catch (const std::exception& other) {
      ADD_FAILURE() << path << ": foreign exception " << other.what();
    }
  }
  EXPECT_GT(read, 20);
  std::cout << "read " << read << " files, refused " << refused << "\n";
}
