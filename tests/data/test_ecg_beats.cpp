// EcgBeatDataset on MIT-BIH record 100 against an independent numpy
// decoding of the signal and the annotations (tests/oracles/ecg_beats.py).
#include <torch/torch.h>

#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "medcnn/core/error.h"
#include "medcnn/data/ecg_beat_dataset.h"
#include "medcnn/data/sources.h"
#include "medcnn/io/files.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::expect_error;
using medcnn::test::has;
namespace fs = std::filesystem;

namespace {

std::map<std::string, int64_t> class_counts(const Dataset& ds) {
  std::map<std::string, int64_t> out;
  const auto names = ds.class_names();
  for (int64_t l : ds.labels()) ++out[names.at(static_cast<size_t>(l))];
  return out;
}

// Every beat (annotation index, sample, class) and the oracle's windows.
void expect_matches_oracle(const Dataset& ds, const nlohmann::json& o, int64_t window,
                           int64_t before, const std::string& record = "100") {
  std::map<std::string, int64_t> expected;
  for (const auto& [cls, n] : o["counts"].items()) expected[cls] = n.get<int64_t>();
  EXPECT_EQ(class_counts(ds), expected);
  const auto& beats = o["beats"];
  ASSERT_EQ(ds.size(), beats.size());
  const auto labels = ds.labels();
  const auto names = ds.class_names();
  for (size_t i = 0; i < beats.size(); ++i)
    ASSERT_EQ(names[static_cast<size_t>(labels[i])], beats[i][2].get<std::string>())
        << "beat " << i;
  for (const auto& [key, values] : o["windows"].items()) {
    const size_t i = std::stoul(key);
    Sample s = ds.get(i);
    const int64_t sample = beats[i][1].get<int64_t>();
    EXPECT_EQ(s.id, record + ":beat" + std::to_string(beats[i][0].get<int64_t>()) + "@" +
                        std::to_string(sample));
    ASSERT_EQ(s.image.dims(), 1);
    ASSERT_EQ(s.image.data.sizes(), (std::vector<int64_t>{1, window}));
    EXPECT_EQ(s.image.data.scalar_type(), torch::kFloat);
    EXPECT_NEAR(s.image.geometry.spacing[0], 1.0 / 360.0, 1e-12);
    EXPECT_NEAR(s.image.geometry.origin[0], static_cast<double>(sample - before) / 360.0, 1e-9);
    auto want = torch::tensor(values.get<std::vector<double>>(), torch::kDouble);
    const double diff = (s.image.data[0].to(torch::kDouble) - want).abs().max().item<double>();
    EXPECT_LT(diff, 1e-6) << "beat " << i << " window differs from numpy by " << diff;
    EXPECT_EQ(s.label, labels[i]);
  }
}

}  // namespace

TEST(EcgBeats, Record100BeatsAndWindowsMatchNumpy) {
  MEDCNN_REQUIRE_DATA(hea, "mitbih-100/100.hea");
  EcgBeatDataset ds({hea});
  auto o = test::run_oracle("ecg_beats.py", {hea, "256", "128", "0"});
  ASSERT_FALSE(o.is_null());
  // AAMI classes present in record 100, in the fixed order N, S, V (F, Q dropped).
  EXPECT_EQ(ds.class_names(), (std::vector<std::string>{"N", "S", "V"}));
  expect_matches_oracle(ds, o, 256, 128);
  const auto labels = ds.labels();
  const auto v_at = std::find(labels.begin(), labels.end(), 2) - labels.begin();
  Sample v = ds.get(static_cast<size_t>(v_at));
  EXPECT_EQ(v.meta.at("symbol"), "V");
  EXPECT_EQ(v.meta.at("leads"), "MLII");
  EXPECT_EQ(v.image.modality, "ECG");
  EXPECT_THROW(ds.get(ds.size()), DataError);
  EXPECT_TRUE(has(ds.describe(), "N 2237")) << ds.describe();
}

TEST(EcgBeats, OpenDatasetTakesOptionsAndFolders) {
  MEDCNN_REQUIRE_DATA(hea, "mitbih-100/100.hea");
  // 90 samples before, 110 after the R peak, second lead (V5) by name.
  auto ds = open_dataset(hea, "",
                         {{"window", 200}, {"before", 90}, {"leads", nlohmann::json::array({"V5"})}});
  ASSERT_TRUE(dynamic_cast<const EcgBeatDataset*>(ds.get()));
  auto o = test::run_oracle("ecg_beats.py", {hea, "200", "90", "1"});
  ASSERT_FALSE(o.is_null());
  expect_matches_oracle(*ds, o, 200, 90);

  // A folder of records; fixed classes keep their indices even when empty.
  auto folder = open_dataset(fs::path(hea).parent_path().string(), "",
                             {{"classes", {"N", "S", "V", "F", "Q"}}});
  EXPECT_EQ(folder->class_names(), (std::vector<std::string>{"N", "S", "V", "F", "Q"}));
  EXPECT_EQ(folder->size(), 2271u);
  // A custom map: only V against the rest of the beats; '+' stays out.
  nlohmann::json two = {
      {"class_map", nlohmann::json::object({{"N", "other"}, {"A", "other"}, {"V", "ectopic"}})}};
  auto custom = open_dataset(hea, "", two);
  EXPECT_EQ(custom->class_names(), (std::vector<std::string>{"ectopic", "other"}));
  EXPECT_EQ(class_counts(*custom),
            (std::map<std::string, int64_t>{{"ectopic", 1}, {"other", 2270}}));

  auto m = expect_error<ConfigError>([&] { open_dataset(hea, "", {{"windw", 100}}); });
  EXPECT_TRUE(has(m, "data.windw") && has(m, "window")) << m;
  auto m2 = expect_error<ConfigError>([&] { open_dataset(hea, "", {{"before", 300}}); });
  EXPECT_TRUE(has(m2, "before")) << m2;
  auto m3 = expect_error<DataError>(
      [&] { open_dataset(hea, "", {{"leads", nlohmann::json::array({"V1"})}}); });
  EXPECT_TRUE(has(m3, "V1") && has(m3, "MLII, V5") && has(m3, "100.hea")) << m3;
  auto m4 = expect_error<DataError>(
      [&] {
        open_dataset(hea, "", {{"classes", nlohmann::json::array({"N"})},
                               {"class_map", nlohmann::json::object({{"V", "V"}})}});
      });
  EXPECT_TRUE(has(m4, "'V'")) << m4;
}

TEST(EcgBeats, MissingOrTruncatedAnnotationsAreNamed) {
  MEDCNN_REQUIRE_DATA(hea, "mitbih-100/100.hea");
  test::TempDir tmp;
  const fs::path src = fs::path(hea).parent_path();
  fs::create_symlink(src / "100.dat", tmp.file("100.dat"));
  fs::copy_file(src / "100.hea", tmp.file("100.hea"));
  auto m = expect_error<IoError>([&] { EcgBeatDataset ds({tmp.file("100.hea")}); });
  EXPECT_TRUE(has(m, tmp.file("100.atr"))) << m;
  write_file_atomically(tmp.file("100.atr"), read_file((src / "100.atr").string()).substr(0, 3001));
  auto m2 = expect_error<FormatError>([&] { EcgBeatDataset ds({tmp.file("100.hea")}); });
  EXPECT_TRUE(has(m2, tmp.file("100.atr")) && has(m2, "truncated")) << m2;
  // Another annotator's file is looked up by its extension.
  auto m3 = expect_error<IoError>([&] {
    EcgBeatOptions o;
    o.annotator = "qrs";
    EcgBeatDataset ds({tmp.file("100.hea")}, o);
  });
  EXPECT_TRUE(has(m3, "100.qrs")) << m3;
}
