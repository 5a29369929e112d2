// Dataset sources on small trees written here and on the shared data sets.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "medcnn/core/error.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/image_io.h"
#include "medcnn/io/npz.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

using medcnn::test::write_text;

namespace {

// A uint8 grey 2-D image whose pixels are (seed + x + 3y) % 256.
Image grey(int64_t h, int64_t w, int seed) {
  at::Tensor t = (torch::arange(h * w, torch::kLong).reshape({1, h, w}) % w +
                  3 * (torch::arange(h * w, torch::kLong).reshape({1, h, w}) / w) + seed) %
                 256;
  return Image(t.to(torch::kUInt8), Geometry::identity(2), PixelType::UInt8);
}

Image label_map(int64_t h, int64_t w, int64_t y0, int64_t x0) {
  at::Tensor m = torch::zeros({1, h, w}, torch::kUInt8);
  m.index_put_({0, torch::indexing::Slice(y0, y0 + 3), torch::indexing::Slice(x0, x0 + 4)}, 2);
  return Image(m, Geometry::identity(2), PixelType::UInt8);
}

// write_image into a folder that may not exist yet.
void put(const std::string& path, const Image& image) {
  fs::create_directories(fs::path(path).parent_path());
  write_image(path, image);
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(FolderDataset, ClassesAreSortedSubfoldersAndImagesReadBack) {
  test::TempDir tmp;
  const std::string root = tmp.file("cls");
  fs::create_directories(root + "/normal");
  fs::create_directories(root + "/benign");
  fs::create_directories(root + "/empty");
  put(root + "/normal/b.png", grey(6, 7, 1));
  put(root + "/normal/a.png", grey(6, 7, 2));
  put(root + "/benign/z.png", grey(5, 9, 3));
  write_text(root + "/benign/notes.txt", "not an image");
  FolderDataset ds(root);
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"benign", "normal"}));
  EXPECT_EQ(ds.labels(), (std::vector<int64_t>{0, 1, 1}));
  Sample s = ds.get(1);
  EXPECT_EQ(s.id, "normal/a");
  EXPECT_EQ(s.label, 1);
  EXPECT_TRUE(torch::equal(s.image.data, grey(6, 7, 2).data));
  EXPECT_EQ(ds.get(0).image.spatial_shape(), (std::vector<int64_t>{5, 9}));
  EXPECT_THROW(ds.get(3), DataError);
}

TEST(CsvDataset, LabelNamesMasksInlineBoxesAndQuotedFields) {
  test::TempDir tmp;
  put(tmp.file("img/c1.png"), grey(12, 16, 5));
  put(tmp.file("img/c2.png"), grey(12, 16, 9));
  put(tmp.file("img/c3.png"), grey(12, 16, 11));
  put(tmp.file("msk/c1.png"), label_map(12, 16, 2, 3));
  put(tmp.file("msk/c2.png"), label_map(12, 16, 5, 8));
  write_text(tmp.file("sub/list.csv"),
             "id,image,label,mask,boxes,note\n"
             "first,../img/c1.png,tumour,../msk/c1.png,\"nucleus 3 2 7 5; cell 0 0 16 12\",\"a, b\"\n"
             "\n"
             "second,../img/c2.png,normal,../msk/c2.png,cell 1 1 4 4,plain\n"
             ",../img/c3.png,,,,\n");
  CsvDataset ds(tmp.file("sub/list.csv"));
  ASSERT_EQ(ds.size(), 3u);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"normal", "tumour"}));
  EXPECT_EQ(ds.labels(), (std::vector<int64_t>{1, 0, -1}));
  Sample a = ds.get(0);
  EXPECT_EQ(a.id, "first");
  EXPECT_EQ(a.meta.at("note"), "a, b");
  ASSERT_TRUE(a.mask.has_value());
  EXPECT_TRUE(is_integer(a.mask->pixel_type));
  EXPECT_TRUE(torch::equal(a.mask->data.to(torch::kLong), label_map(12, 16, 2, 3).data.to(torch::kLong)));
  EXPECT_TRUE(torch::equal(a.image.data, grey(12, 16, 5).data));
  ASSERT_EQ(a.boxes.size(), 2u);
  EXPECT_EQ(a.boxes[0].class_name, "nucleus");
  EXPECT_EQ(a.boxes[0].label, 1);  // box classes sorted: cell, nucleus
  EXPECT_EQ(a.boxes[1].label, 0);
  EXPECT_DOUBLE_EQ(a.boxes[0].lo[0], 3);
  EXPECT_DOUBLE_EQ(a.boxes[0].hi[1], 5);
  Sample c = ds.get(2);
  EXPECT_EQ(c.id, "c3");
  EXPECT_FALSE(c.mask.has_value());
  EXPECT_TRUE(c.boxes.empty());
}

TEST(CsvDataset, IntegerLabelsStayIndices) {
  test::TempDir tmp;
  put(tmp.file("a.png"), grey(4, 4, 0));
  write_text(tmp.file("m.csv"), "image,label\na.png,3\na.png,0\n");
  CsvDataset ds(tmp.file("m.csv"));
  EXPECT_EQ(ds.labels(), (std::vector<int64_t>{3, 0}));
}

TEST(DecathlonDataset, ReadsNiftiPairsWithGeometry) {
  test::TempDir tmp;
  Geometry g = Geometry::identity(3);
  g.spacing = {0.8, 0.8, 2.5};
  g.origin = {-10, 20, 5};
  auto gen = at::detail::createCPUGenerator(3);
  Image img(torch::randint(0, 1000, {1, 5, 6, 7}, gen).to(torch::kShort), g, PixelType::Int16);
  at::Tensor m = torch::zeros({1, 5, 6, 7}, torch::kUInt8);
  m.index_put_({0, 2, torch::indexing::Slice(1, 4), torch::indexing::Slice(2, 5)}, 1);
  Image lab(m, g, PixelType::UInt8);
  put(tmp.file("Task01/imagesTr/case_001.nii.gz"), img);
  put(tmp.file("Task01/labelsTr/case_001.nii.gz"), lab);
  put(tmp.file("Task01/imagesTs/case_009.nii.gz"), img);
  write_text(tmp.file("Task01/dataset.json"), R"({
    "name": "test", "labels": {"0": "background", "1": "tumour"},
    "training": [{"image": "./imagesTr/case_001.nii.gz", "label": "./labelsTr/case_001.nii.gz"}],
    "test": ["./imagesTs/case_009.nii.gz"]})");
  DecathlonDataset ds(tmp.file("Task01/dataset.json"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"background", "tumour"}));
  Sample s = ds.get(0);
  EXPECT_EQ(s.id, "case_001");
  EXPECT_EQ(s.image.dims(), 3);
  EXPECT_TRUE(torch::equal(s.image.data.to(torch::kLong), img.data.to(torch::kLong)));
  EXPECT_NEAR(s.image.geometry.spacing[2], 2.5, 1e-6);
  EXPECT_NEAR(s.image.geometry.origin[0], -10, 1e-6);
  ASSERT_TRUE(s.mask.has_value());
  EXPECT_EQ(s.mask->data.sum().item<int64_t>(), 9);
  DecathlonDataset test(tmp.file("Task01/dataset.json"), "test");
  EXPECT_EQ(test.size(), 1u);
  EXPECT_FALSE(test.get(0).mask.has_value());
  // open_dataset dispatch: folder with dataset.json, the json itself.
  EXPECT_EQ(open_dataset(tmp.file("Task01"))->size(), 1u);
  EXPECT_EQ(open_dataset(tmp.file("Task01/dataset.json"), "test")->size(), 1u);
  const std::string m2 = error_of([&] { DecathlonDataset(tmp.file("Task01/dataset.json"), "validation"); });
  EXPECT_NE(m2.find("validation"), std::string::npos) << m2;
  EXPECT_NE(m2.find("training"), std::string::npos) << m2;
}

TEST(NpzDataset, BreastMnistMatchesNumpy) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/breastmnist_trainval.npz");
  for (const char* split : {"train", "val"}) {
    SCOPED_TRACE(split);
    auto oracle = test::run_oracle("data_npz_stats.py", {path, split});
    ASSERT_FALSE(oracle.is_null());
    NpzDataset ds(path, split);
    ASSERT_EQ(ds.size(), oracle["n"].get<size_t>());
    EXPECT_EQ(ds.spatial_dims(), 2);
    std::map<std::string, int> counts;
    for (auto l : ds.labels()) ++counts[std::to_string(l)];
    for (const auto& [k, v] : oracle["label_counts"].items()) EXPECT_EQ(counts[k], v.get<int>()) << k;
    int64_t total = 0;
    for (size_t i = 0; i < ds.size(); ++i) total += ds.get(i).image.data.sum().item<int64_t>();
    EXPECT_EQ(total, oracle["pixel_sum"].get<int64_t>());
    auto idx = oracle["image_sum_index"].get<std::vector<size_t>>();
    auto sums = oracle["image_sums"].get<std::vector<int64_t>>();
    for (size_t k = 0; k < idx.size(); ++k)
      EXPECT_EQ(ds.get(idx[k]).image.data.sum().item<int64_t>(), sums[k]);
    auto probe = oracle["probe_index"].get<std::vector<int64_t>>();
    Sample s0 = ds.get(0);
    EXPECT_EQ(s0.image.data.sizes(), (std::vector<int64_t>{1, 28, 28}));
    EXPECT_EQ(s0.image.data[0][probe[0]][probe[1]].item<int64_t>(), oracle["pixel_probe"].get<int64_t>());
  }
  // Published split sizes and class counts (MedMNIST v2).
  NpzDataset train(path, "train");
  EXPECT_EQ(train.size(), 546u);
  EXPECT_EQ(NpzDataset(path, "val").size(), 78u);
  auto l = train.labels();
  EXPECT_EQ(std::count(l.begin(), l.end(), 0), 147);
  EXPECT_EQ(std::count(l.begin(), l.end(), 1), 399);
  EXPECT_EQ(open_dataset(path)->size(), 546u);
}

TEST(NpzDataset, AdrenalMnist3DIsThreeDimensional) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/adrenalmnist3d_trainval.npz");
  auto oracle = test::run_oracle("data_npz_stats.py", {path, "val"});
  ASSERT_FALSE(oracle.is_null());
  NpzDataset ds(path, "val");
  EXPECT_EQ(ds.spatial_dims(), 3);
  ASSERT_EQ(ds.size(), 98u);
  Sample s = ds.get(0);
  EXPECT_EQ(s.image.dims(), 3);
  EXPECT_EQ(s.image.data.sizes(), (std::vector<int64_t>{1, 28, 28, 28}));
  int64_t total = 0;
  for (size_t i = 0; i < ds.size(); ++i) total += ds.get(i).image.data.sum().item<int64_t>();
  EXPECT_EQ(total, oracle["pixel_sum"].get<int64_t>());
  auto p = oracle["probe_index"].get<std::vector<int64_t>>();
  EXPECT_EQ(s.image.data[0][p[0]][p[1]][p[2]].item<int64_t>(), oracle["pixel_probe"].get<int64_t>());
  std::map<std::string, int> counts;
  for (auto l : ds.labels()) ++counts[std::to_string(l)];
  for (const auto& [k, v] : oracle["label_counts"].items()) EXPECT_EQ(counts[k], v.get<int>());
  EXPECT_EQ(NpzDataset(path, "train").size(), 1188u);
}

TEST(NpzDataset, RgbImagesBecomeThreeChannels) {
  test::TempDir tmp;
  at::Tensor imgs = torch::arange(2 * 4 * 5 * 3, torch::kLong).reshape({2, 4, 5, 3}).to(torch::kUInt8);
  write_npz(tmp.file("rgb.npz"), {{"train_images", imgs}, {"train_labels", torch::tensor({1, 0}).reshape({2, 1})}});
  NpzDataset ds(tmp.file("rgb.npz"), "train");
  Sample s = ds.get(1);
  EXPECT_EQ(s.image.data.sizes(), (std::vector<int64_t>{3, 4, 5}));
  EXPECT_EQ(s.image.data[2][3][4].item<int64_t>(), imgs[1][3][4][2].item<int64_t>());
  EXPECT_EQ(ds.labels(), (std::vector<int64_t>{1, 0}));
}

TEST(VocDataset, BccdBoxCountsMatchXmlOracle) {
  MEDCNN_REQUIRE_DATA(root, "bccd/BCCD");
  auto oracle = test::run_oracle("data_voc_counts.py", {root, "trainval"});
  ASSERT_FALSE(oracle.is_null());
  VocDataset ds(root, "trainval");
  ASSERT_EQ(ds.size(), 292u);
  ASSERT_EQ(ds.size(), oracle["ids"].get<size_t>());
  auto classes = ds.class_names();
  EXPECT_EQ(classes, (std::vector<std::string>{"Platelets", "RBC", "WBC"}));
  std::map<std::string, int> counts;
  for (size_t i = 0; i < ds.size(); ++i) {
    Sample s = ds.get(i);
    for (const Box& b : s.boxes) {
      ASSERT_GE(b.label, 0);
      ASSERT_LT(b.label, 3);
      EXPECT_EQ(classes[b.label], b.class_name);
      ++counts[b.class_name];
    }
    if (i == 0) {
      EXPECT_EQ(s.id, oracle["first"]["id"].get<std::string>());
      EXPECT_EQ(s.image.channels(), 3);
      const auto& want = oracle["first"]["boxes"];
      ASSERT_EQ(s.boxes.size(), want.size());
      for (size_t k = 0; k < want.size(); ++k) {
        EXPECT_EQ(s.boxes[k].class_name, want[k][0].get<std::string>());
        EXPECT_DOUBLE_EQ(s.boxes[k].lo[0], want[k][1].get<double>() - 1);  // 1-based -> 0-based edge
        EXPECT_DOUBLE_EQ(s.boxes[k].lo[1], want[k][2].get<double>() - 1);
        EXPECT_DOUBLE_EQ(s.boxes[k].hi[0], want[k][3].get<double>());
        EXPECT_DOUBLE_EQ(s.boxes[k].hi[1], want[k][4].get<double>());
      }
    }
  }
  for (const auto& [name, n] : oracle["counts"].items()) EXPECT_EQ(counts[name], n.get<int>()) << name;
  // A fixed class list drops the other classes' boxes.
  VocDataset only(root, "trainval", {"WBC"});
  size_t wbc = 0;
  for (size_t i = 0; i < only.size(); ++i)
    for (const Box& b : only.get(i).boxes) {
      EXPECT_EQ(b.label, 0);
      ++wbc;
    }
  EXPECT_EQ(wbc, oracle["counts"]["WBC"].get<size_t>());
  EXPECT_EQ(open_dataset(root, "val")->size(), 87u);
}
