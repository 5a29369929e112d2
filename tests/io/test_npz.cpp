// .npy / .npz reading against numpy, writing read back by numpy, and errors.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "io_checks.h"
#include "medcnn/core/error.h"
#include "medcnn/io/npz.h"
#include "test_support.h"

using namespace medcnn;
namespace fs = std::filesystem;

namespace {

void expect_matches_numpy(const std::string& path) {
  auto o = test::run_oracle("io_npz.py", {path});
  ASSERT_FALSE(o.is_null());
  auto keys = npz_keys(path);
  EXPECT_EQ(keys.size(), o.size());
  auto all = read_npz(path);
  for (const auto& [key, info] : o.items()) {
    SCOPED_TRACE(key);
    ASSERT_TRUE(all.count(key));
    at::Tensor t = read_npz_array(path, key);
    std::vector<int64_t> shape = info["shape"];
    EXPECT_EQ(t.sizes().vec(), shape);
    EXPECT_TRUE(torch::equal(t, all[key]));
    const std::string dtype = info["dtype"];
    if (dtype == "uint8") EXPECT_EQ(t.scalar_type(), torch::kByte);
    if (dtype == "uint16") EXPECT_EQ(t.scalar_type(), torch::kInt);
    if (dtype == "uint32" || dtype == "int64") EXPECT_EQ(t.scalar_type(), torch::kLong);
    if (dtype == "float32") EXPECT_EQ(t.scalar_type(), torch::kFloat);
    EXPECT_DOUBLE_EQ(test::plain_sum(t), info["sum"].get<double>());
    EXPECT_NEAR(test::weighted_checksum(t), info["weighted"].get<double>(),
                1e-9 * std::abs(info["weighted"].get<double>()) + 1e-6);
  }
}

}  // namespace

TEST(Npz, BreastMnistMatchesNumpy) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/breastmnist_trainval.npz");
  expect_matches_numpy(path);
  auto keys = npz_keys(path);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "train_images"), keys.end());
}

TEST(Npz, AdrenalMnist3DMatchesNumpy) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/adrenalmnist3d_trainval.npz");
  expect_matches_numpy(path);
}

TEST(Npz, EveryDtypeOrderAndCompressionNumpyWrites) {
  // numpy writes: both byte orders, Fortran order, deflated and stored archives.
  test::TempDir tmp;
  const std::string script =
      "import numpy as np\n"
      "a = np.arange(24).reshape(2, 3, 4)\n"
      "arrs = {}\n"
      "for d in ['|b1', '|u1', '|i1', '<u2', '<i2', '<u4', '<i4', '<u8', '<i8', '<f4', '<f8',\n"
      "          '>u2', '>i2', '>u4', '>i4', '>i8', '>f4', '>f8']:\n"
      "    v = (a % 2 == 1) if d == '|b1' else (a * 3 - (0 if d[1] == 'u' else 30))\n"
      "    arrs['c_' + d[1:] + ('_be' if d[0] == '>' else '')] = v.astype(np.dtype(d))\n"
      "arrs['fortran'] = np.asfortranarray((a * 1.5).astype('<f4'))\n"
      "arrs['scalar'] = np.array(7, dtype='<i4')\n"
      "arrs['empty'] = np.zeros((0, 3), dtype='<f8')\n"
      "np.savez_compressed('" + tmp.file("deflated.npz") + "', **arrs)\n"
      "np.savez('" + tmp.file("stored.npz") + "', **arrs)\n"
      "np.save('" + tmp.file("one.npy") + "', np.asfortranarray(a.astype('>i2')))\n";
  std::ofstream(tmp.file("make.py")) << script;
  auto r = test::run_command("/usr/bin/python3 " + tmp.file("make.py"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_matches_numpy(tmp.file("deflated.npz"));
  expect_matches_numpy(tmp.file("stored.npz"));
  at::Tensor expected = torch::arange(24).reshape({2, 3, 4});
  EXPECT_TRUE(torch::equal(read_npz_array(tmp.file("deflated.npz"), "c_i2_be").to(torch::kLong), expected * 3 - 30));
  EXPECT_TRUE(torch::equal(read_npz_array(tmp.file("stored.npz"), "fortran"), (expected * 1.5).to(torch::kFloat)));
  EXPECT_EQ(read_npz_array(tmp.file("stored.npz"), "c_u2").scalar_type(), torch::kInt);
  at::Tensor one = read_npy(tmp.file("one.npy"));
  EXPECT_EQ(one.scalar_type(), torch::kShort);
  EXPECT_TRUE(torch::equal(one.to(torch::kLong), expected));
  EXPECT_EQ(read_npz_array(tmp.file("stored.npz"), "scalar").dim(), 0);
  EXPECT_EQ(read_npz_array(tmp.file("stored.npz"), "scalar").item<int>(), 7);
}

TEST(Npz, WrittenArchivesReadBackInNumpyAndHere) {
  test::TempDir tmp;
  std::map<std::string, at::Tensor> arrays{
      {"images", torch::arange(2 * 3 * 5, torch::kByte).reshape({2, 3, 5})},
      {"labels", torch::tensor({1, 0}, torch::kLong)},
      {"weights", torch::linspace(-1, 1, 7)},
      {"mask", torch::tensor({true, false, true})},
      {"transposed", torch::arange(12, torch::kInt).reshape({3, 4}).t()},  // not contiguous
  };
  const std::string path = tmp.file("out.npz");
  write_npz(path, arrays);
  // No temporary left.
  EXPECT_EQ(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()), 1);
  expect_matches_numpy(path);
  auto o = test::run_oracle("io_npz.py", {path});
  ASSERT_FALSE(o.is_null());
  EXPECT_EQ(o["mask"]["dtype"], "bool");
  EXPECT_EQ(o["labels"]["dtype"], "int64");
  EXPECT_EQ(o["transposed"]["shape"], nlohmann::json({4, 3}));
  for (const auto& [key, t] : arrays) EXPECT_TRUE(torch::equal(read_npz_array(path, key), t.contiguous())) << key;
  // Stored, not deflated.
  auto r = test::run_command("/usr/bin/python3 -c \"import zipfile; print(set(i.compress_type for i in zipfile.ZipFile('" +
                             path + "').infolist()))\"");
  EXPECT_EQ(r.out, "{0}\n");
}

TEST(Npz, MissingKeyIsAFormatErrorListingTheKeys) {
  test::TempDir tmp;
  const std::string path = tmp.file("a.npz");
  write_npz(path, {{"train_images", torch::zeros({2, 2})}, {"train_labels", torch::zeros({2})}});
  try {
    read_npz_array(path, "test_images");
    FAIL() << "expected FormatError";
  } catch (const FormatError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("test_images"), std::string::npos) << what;
    EXPECT_NE(what.find("train_images"), std::string::npos) << what;
    EXPECT_NE(what.find("train_labels"), std::string::npos) << what;
  }
}

TEST(Npz, CorruptAndMissingFiles) {
  test::TempDir tmp;
  test::expect_error_naming<IoError>([&] { read_npz(tmp.file("none.npz")); }, tmp.file("none.npz"));
  std::ofstream(tmp.file("text.npz")) << "not a zip archive at all";
  test::expect_error_naming<FormatError>([&] { npz_keys(tmp.file("text.npz")); }, tmp.file("text.npz"));
  // A valid archive cut short.
  write_npz(tmp.file("full.npz"), {{"x", torch::rand({64, 64})}});
  {
    std::ifstream in(tmp.file("full.npz"), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(tmp.file("cut.npz"), std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  test::expect_error_naming<FormatError>([&] { read_npz_array(tmp.file("cut.npz"), "x"); }, tmp.file("cut.npz"));
  // A .npy with a bad header.
  std::ofstream(tmp.file("bad.npy"), std::ios::binary) << std::string("\x93NUMPY\x01\x00\x10\x00{'descr': 'xx'}", 26);
  test::expect_error_naming<FormatError>([&] { read_npy(tmp.file("bad.npy")); }, tmp.file("bad.npy"));
}
