// Bad data sets fail at construction (or at get for geometry) with errors
// that name the file and the problem.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/npz.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::expect_error;
using medcnn::test::has;
namespace fs = std::filesystem;

using medcnn::test::write_text;

namespace {

Image png(int64_t h, int64_t w) {
  return Image(torch::zeros({1, h, w}, torch::kUInt8), Geometry::identity(2), PixelType::UInt8);
}

}  // namespace

TEST(BadInput, EmptyFolderNamesTheFolder) {
  test::TempDir tmp;
  fs::create_directories(tmp.file("root/classA"));
  write_text(tmp.file("root/classA/readme.txt"), "x");
  auto m = expect_error<DataError>([&] { FolderDataset ds(tmp.file("root")); });
  EXPECT_TRUE(has(m, tmp.file("root"))) << m;
  EXPECT_TRUE(has(m, "no images found")) << m;
  auto m2 = expect_error<IoError>([&] { FolderDataset ds(tmp.file("nowhere")); });
  EXPECT_TRUE(has(m2, "nowhere")) << m2;
}

TEST(BadInput, CsvRowWithMissingFileNamesCsvLineAndPath) {
  test::TempDir tmp;
  write_image(tmp.file("a.png"), png(4, 4));
  write_text(tmp.file("m.csv"), "image,label\na.png,0\nmissing/b.png,1\n");
  auto m = expect_error<DataError>([&] { CsvDataset ds(tmp.file("m.csv")); });
  EXPECT_TRUE(has(m, tmp.file("m.csv"))) << m;
  EXPECT_TRUE(has(m, "line 3")) << m;
  EXPECT_TRUE(has(m, "missing/b.png")) << m;
  // A missing mask is reported the same way.
  write_text(tmp.file("n.csv"), "image,mask\na.png,gone.png\n");
  auto m3 = expect_error<DataError>([&] { CsvDataset ds(tmp.file("n.csv")); });
  EXPECT_TRUE(has(m3, "line 2")) << m3;
  EXPECT_TRUE(has(m3, "gone.png")) << m3;
}

TEST(BadInput, CsvWithoutImageColumnNamesTheCsv) {
  test::TempDir tmp;
  write_text(tmp.file("m.csv"), "file,label\na.png,0\n");
  auto m = expect_error<DataError>([&] { CsvDataset ds(tmp.file("m.csv")); });
  EXPECT_TRUE(has(m, tmp.file("m.csv"))) << m;
  EXPECT_TRUE(has(m, "image")) << m;
  auto m2 = expect_error<IoError>([&] { CsvDataset ds(tmp.file("absent.csv")); });
  EXPECT_TRUE(has(m2, "absent.csv")) << m2;
}

TEST(BadInput, MaskOfAnotherSizeIsAGeometryErrorNamingTheMask) {
  test::TempDir tmp;
  write_image(tmp.file("img.png"), png(10, 12));
  write_image(tmp.file("mask.png"), png(10, 11));
  write_text(tmp.file("m.csv"), "image,mask\nimg.png,mask.png\n");
  CsvDataset ds(tmp.file("m.csv"));
  auto m = expect_error<GeometryError>([&] { ds.get(0); });
  EXPECT_TRUE(has(m, "mask.png")) << m;
  EXPECT_TRUE(has(m, "size")) << m;
}

TEST(BadInput, NpzWithoutTheSplitListsTheKeysPresent) {
  test::TempDir tmp;
  write_npz(tmp.file("x.npz"), {{"train_images", torch::zeros({2, 4, 4}, torch::kUInt8)},
                                {"train_labels", torch::zeros({2}, torch::kUInt8)}});
  auto m = expect_error<DataError>([&] { NpzDataset ds(tmp.file("x.npz"), "test"); });
  EXPECT_TRUE(has(m, tmp.file("x.npz"))) << m;
  EXPECT_TRUE(has(m, "test_images")) << m;
  EXPECT_TRUE(has(m, "train_images")) << m;
  write_npz(tmp.file("y.npz"), {{"foo", torch::zeros({2}, torch::kUInt8)}});
  auto m2 = expect_error<DataError>([&] { NpzDataset ds(tmp.file("y.npz"), "train"); });
  EXPECT_TRUE(has(m2, "foo")) << m2;
  write_npz(tmp.file("z.npz"), {{"train_images", torch::zeros({2, 4, 4}, torch::kUInt8)},
                                {"train_labels", torch::zeros({3}, torch::kUInt8)}});
  expect_error<FormatError>([&] { NpzDataset ds(tmp.file("z.npz"), "train"); });
}

TEST(BadInput, SharedMedMnistHasNoTestSplit) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/breastmnist_trainval.npz");
  auto m = expect_error<DataError>([&] { NpzDataset ds(path, "test"); });
  EXPECT_TRUE(has(m, "val_images")) << m;
}

TEST(BadInput, DecathlonAndVocMissingFiles) {
  test::TempDir tmp;
  write_text(tmp.file("t/dataset.json"),
             R"({"training": [{"image": "./imagesTr/none.nii.gz", "label": "./labelsTr/none.nii.gz"}]})");
  auto m = expect_error<DataError>([&] { DecathlonDataset ds(tmp.file("t/dataset.json")); });
  EXPECT_TRUE(has(m, "dataset.json")) << m;
  EXPECT_TRUE(has(m, "imagesTr/none.nii.gz")) << m;
  write_text(tmp.file("bad/dataset.json"), "{ not json");
  expect_error<FormatError>([&] { DecathlonDataset ds(tmp.file("bad/dataset.json")); });
  fs::create_directories(tmp.file("voc/Annotations"));
  auto m2 = expect_error<DataError>([&] { VocDataset ds(tmp.file("voc"), "train"); });
  EXPECT_TRUE(has(m2, "train.txt")) << m2;
  expect_error<IoError>([&] { open_dataset(tmp.file("nothing-here")); });
}
