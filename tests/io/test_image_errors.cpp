// Bad input to read_image / write_image: the right error kind, naming the file.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/atomic_write.h"
#include "medcnn/io/image_io.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

using medcnn::test::write_text;

namespace {

bool folder_is_empty(const std::string& dir) { return fs::is_empty(dir); }

}  // namespace

TEST(ImageErrors, MissingFileIsAnIoErrorNamingIt) {
  test::TempDir tmp;
  const std::string path = tmp.file("nowhere/missing.nii.gz");
  test::expect_error_naming<IoError>([&] { read_image(path); }, path, "no such file or folder");
}

TEST(ImageErrors, TruncatedNiftiGzIsAFormatErrorNamingIt) {
  test::TempDir tmp;
  const std::string good = tmp.file("good.nii.gz"), cut = tmp.file("cut.nii.gz");
  // Random floats do not compress, so half the file is half the voxels.
  at::Tensor v = torch::rand({1, 24, 32, 32});
  write_image(good, Image(v, Geometry::identity(3), PixelType::Float32));
  const auto size = fs::file_size(good);
  ASSERT_GT(size, 20000u);
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes(size / 2, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(cut, std::ios::binary) << bytes;
  }
  EXPECT_EQ(detect_format(cut), ImageFormat::Nifti);  // the header is intact
  test::expect_error_naming<FormatError>([&] { read_image(cut); }, cut);
}

TEST(ImageErrors, PngHoldingTextIsAFormatErrorSayingSo) {
  test::TempDir tmp;
  const std::string path = tmp.file("fake.png");
  write_text(path, "this is not an image, just some words\n");
  EXPECT_EQ(detect_format(path), ImageFormat::Unknown);
  test::expect_error_naming<FormatError>([&] { read_image(path); }, path, "text");
}

TEST(ImageErrors, PngHoldingAJpegIsReadByContent) {
  // Content wins over the name: a JPEG called .png is still read.
  test::TempDir tmp;
  Image im(torch::full({1, 8, 8}, 90, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  write_image(tmp.file("a.jpg"), im);
  fs::rename(tmp.file("a.jpg"), tmp.file("b.png"));
  EXPECT_EQ(detect_format(tmp.file("b.png")), ImageFormat::Jpeg);
  EXPECT_EQ(read_image(tmp.file("b.png")).data.sizes(), im.data.sizes());
}

TEST(ImageErrors, EmptyAndCorruptFilesNameTheFile) {
  test::TempDir tmp;
  write_text(tmp.file("empty.nii"), "");
  test::expect_error_naming<FormatError>([&] { read_image(tmp.file("empty.nii")); }, tmp.file("empty.nii"),
                                         "empty");
  // A PNG signature followed by garbage: OpenCV cannot decode it.
  write_text(tmp.file("broken.png"), std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x'));
  test::expect_error_naming<FormatError>([&] { read_image(tmp.file("broken.png")); }, tmp.file("broken.png"));
  // A GIF signature followed by garbage: giflib refuses it.
  write_text(tmp.file("broken.gif"), "GIF89a" + std::string(40, '\x01'));
  test::expect_error_naming<FormatError>([&] { read_image(tmp.file("broken.gif")); }, tmp.file("broken.gif"));
  // Unknown extension and content.
  write_text(tmp.file("notes.xyz"), "hello");
  test::expect_error_naming<FormatError>([&] { read_image(tmp.file("notes.xyz")); }, tmp.file("notes.xyz"));
}

TEST(ImageErrors, EmptyFolderIsADataErrorNamingIt) {
  test::TempDir tmp;
  fs::create_directory(tmp.file("empty"));
  test::expect_error_naming<DataError>([&] { read_image(tmp.file("empty")); }, tmp.file("empty"));
}

TEST(ImageErrors, FolderWithoutDicomIsADataErrorNamingIt) {
  test::TempDir tmp;
  fs::create_directory(tmp.file("notes"));
  write_text(tmp.file("notes/a.txt"), "not dicom");
  test::expect_error_naming<DataError>([&] { read_image(tmp.file("notes")); }, tmp.file("notes"), "DICOM");
}

TEST(ImageErrors, FloatImageToPngIsAFormatErrorAndWritesNothing) {
  test::TempDir tmp;
  Image im(torch::rand({1, 4, 4}), Geometry::identity(2), PixelType::Float32);
  test::expect_error_naming<FormatError>([&] { write_image(tmp.file("f.png"), im); }, tmp.file("f.png"),
                                         "float32");
  EXPECT_TRUE(folder_is_empty(tmp.path()));
}

TEST(ImageErrors, OutOfRangeValuesAreNotSilentlyCast) {
  test::TempDir tmp;
  Image im(torch::full({1, 4, 4}, 300, torch::kInt), Geometry::identity(2), PixelType::UInt8);
  test::expect_error_naming<FormatError>([&] { write_image(tmp.file("o.png"), im); }, tmp.file("o.png"));
  test::expect_error_naming<FormatError>([&] { write_image(tmp.file("o.nrrd"), im); }, tmp.file("o.nrrd"));
  EXPECT_TRUE(folder_is_empty(tmp.path()));
}

TEST(ImageErrors, VolumesCannotBeWrittenAsPng) {
  test::TempDir tmp;
  Image im(torch::zeros({1, 2, 4, 4}, torch::kByte), Geometry::identity(3), PixelType::UInt8);
  test::expect_error_naming<FormatError>([&] { write_image(tmp.file("v.png"), im); }, tmp.file("v.png"), "2-D");
}

TEST(ImageErrors, UnknownExtensionCannotBeWritten) {
  test::TempDir tmp;
  Image im(torch::zeros({1, 4, 4}, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  test::expect_error_naming<FormatError>([&] { write_image(tmp.file("x.abc"), im); }, tmp.file("x.abc"));
  EXPECT_TRUE(folder_is_empty(tmp.path()));
}

TEST(ImageErrors, WritingIntoAMissingFolderIsAnIoErrorAndCreatesNothing) {
  test::TempDir tmp;
  Image im(torch::zeros({1, 4, 4}, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  for (const char* name : {"no/such/dir/x.nii.gz", "no/x.png", "no/x.mhd"}) {
    const std::string path = tmp.file(name);
    test::expect_error_naming<IoError>([&] { write_image(path, im); }, path, "does not exist");
  }
  EXPECT_FALSE(fs::exists(tmp.file("no")));
  EXPECT_TRUE(folder_is_empty(tmp.path()));
}

TEST(ImageErrors, AFailingWriterLeavesNeitherFileNorTemporary) {
  test::TempDir tmp;
  const std::string path = tmp.file("out.nii.gz");
  std::string seen_tmp;
  EXPECT_THROW(io_detail::write_atomically(path,
                                           [&](const std::string& t) {
                                             seen_tmp = t;
                                             write_text(t, "half a file");
                                             throw IoError(path, "disk full (simulated)");
                                           }),
               IoError);
  // The temporary was in the same folder, hidden, with the same extension.
  EXPECT_EQ(fs::path(seen_tmp).parent_path(), fs::path(tmp.path()));
  EXPECT_EQ(fs::path(seen_tmp).filename().string()[0], '.');
  EXPECT_EQ(file_extension(seen_tmp), ".nii.gz");
  EXPECT_TRUE(folder_is_empty(tmp.path()));
  // An existing file is untouched by a failed rewrite.
  write_text(path, "old");
  EXPECT_THROW(io_detail::write_atomically(path, [&](const std::string& t) {
                 write_text(t, "new");
                 throw IoError(path, "fail");
               }),
               IoError);
  std::ifstream in(path);
  std::string content;
  in >> content;
  EXPECT_EQ(content, "old");
}

TEST(ImageErrors, DetectFormatByMagicAndExtension) {
  test::TempDir tmp;
  Image im(torch::zeros({1, 2, 3, 4}, torch::kByte), Geometry::identity(3), PixelType::UInt8);
  write_image(tmp.file("a.nii.gz"), im);
  write_image(tmp.file("a.nrrd"), im);
  write_image(tmp.file("a.mha"), im);
  Image flat(torch::zeros({1, 3, 4}, torch::kByte), Geometry::identity(2), PixelType::UInt8);
  write_image(tmp.file("a.png"), flat);
  write_image(tmp.file("a.tif"), flat);
  EXPECT_EQ(detect_format(tmp.file("a.nii.gz")), ImageFormat::Nifti);
  EXPECT_EQ(detect_format(tmp.file("a.nrrd")), ImageFormat::Nrrd);
  EXPECT_EQ(detect_format(tmp.file("a.mha")), ImageFormat::MetaImage);
  EXPECT_EQ(detect_format(tmp.file("a.png")), ImageFormat::Png);
  EXPECT_EQ(detect_format(tmp.file("a.tif")), ImageFormat::Tiff);
  // Content, not name: a NIfTI renamed .dat is still NIfTI (and read_image
  // says why it cannot read it under that name).
  fs::copy_file(tmp.file("a.nii.gz"), tmp.file("volume.dat"));
  EXPECT_EQ(detect_format(tmp.file("volume.dat")), ImageFormat::Nifti);
  test::expect_error_naming<FormatError>([&] { read_image(tmp.file("volume.dat")); }, tmp.file("volume.dat"),
                                         "NIfTI");
  // A MetaImage called .nrrd is detected as MetaImage.
  fs::copy_file(tmp.file("a.mha"), tmp.file("b.nrrd"));
  EXPECT_EQ(detect_format(tmp.file("b.nrrd")), ImageFormat::MetaImage);
  EXPECT_EQ(detect_format(tmp.path()), ImageFormat::DicomSeries);
  EXPECT_EQ(file_extension("/x/y/Brain.NII.GZ"), ".nii.gz");
  EXPECT_EQ(file_extension("/x.y/z"), "");
  EXPECT_STREQ(format_name(ImageFormat::Nrrd), "NRRD");
}
