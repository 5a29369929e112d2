// The medcnn program end to end: help, phantom, demo, inspect and convert on
// real files (checked against Python oracles), and bad input through the CLI:
// each must print one error line naming the file, exit non-zero and not crash.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace fs = std::filesystem;
using medcnn::test::CommandResult;
using medcnn::test::run_medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using nlohmann::json;

namespace {

// A user error: non-zero exit below 64 (not a crash, not an internal error),
// one "medcnn: error:" line that contains `needle`.
void expect_user_error(const CommandResult& r, const std::string& needle) {
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_LT(r.exit_code, 64) << "crash or internal error: " << r.err;
  EXPECT_NE(r.err.find("medcnn: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "message does not name '" << needle << "': " << r.err;
}

json inspect_json(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"inspect", "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = run_medcnn(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  try {
    return json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "inspect printed no JSON: " << r.out << r.err;
    return nullptr;
  }
}


}  // namespace

TEST(Cli, HelpListsEverySubcommand) {
  CommandResult r = run_medcnn({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* cmd : {"inspect", "convert", "phantom", "demo"})
    EXPECT_NE(r.out.find(cmd), std::string::npos) << cmd;
  for (const char* opt : {"--threads", "--seed", "--device", "--log-level"})
    EXPECT_NE(r.out.find(opt), std::string::npos) << opt;
}

TEST(Cli, UnknownDeviceOrLogLevelIsAClearError) {
  expect_user_error(run_medcnn({"--device", "tpu", "info"}), "--device tpu");
  expect_user_error(run_medcnn({"--log-level", "loud", "info"}), "--log-level loud");
}

TEST(Cli, PhantomIsDeterministicFromTheSeed) {
  TempDir a, b, c;
  ASSERT_EQ(run_medcnn({"--seed", "3", "phantom", a.path(), "-n", "3"}).exit_code, 0);
  ASSERT_EQ(run_medcnn({"--seed", "3", "phantom", b.path(), "-n", "3"}).exit_code, 0);
  ASSERT_EQ(run_medcnn({"--seed", "4", "phantom", c.path(), "-n", "3"}).exit_code, 0);
  auto slurp = [](const std::string& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  };
  EXPECT_EQ(slurp(a.file("manifest.csv")), slurp(b.file("manifest.csv")));
  EXPECT_EQ(slurp(a.file("images/phantom_0001.png")), slurp(b.file("images/phantom_0001.png")));
  EXPECT_NE(slurp(a.file("images/phantom_0001.png")), slurp(c.file("images/phantom_0001.png")));
  // The written PNG is what PIL reads: 64x64 grey.
  auto facts = run_oracle("cli_facts.py", {"png", a.file("images/phantom_0001.png")});
  EXPECT_EQ(facts["size"], json({64, 64}));
  EXPECT_EQ(facts["channels"], 1);
}

TEST(Cli, DemoTrainsAndEvaluatesAClassifier) {
  TempDir out;
  CommandResult r = run_medcnn({"--threads", "2", "demo", "--out", out.path(), "-n", "40", "--epochs",
                                "2", "--seg-epochs", "2", "--det-epochs", "2", "--volumes", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream f(out.file("demo-summary.json"));
  json s = json::parse(f);
  EXPECT_EQ(s["dataset_2d"]["cases"], 40);
  EXPECT_EQ(s["lesions"]["boxes_without_their_lesion"], 0);
  EXPECT_TRUE(s["training"]["validation"].contains("auc"));
  EXPECT_EQ(s["test"]["cases"], 20);
  EXPECT_TRUE(fs::exists(out.file("report.html")));
  EXPECT_TRUE(fs::exists(out.file("model/best.pt")));
  // The test metrics are scikit-learn's on the written predictions.
  json sk = run_oracle("predictions_sklearn.py", {out.file("test_predictions.csv")});
  ASSERT_FALSE(sk.is_null());
  EXPECT_EQ(sk["n"], 20);
  if (s["test"]["metrics"]["auc"].is_number())
    EXPECT_NEAR(s["test"]["metrics"]["auc"].get<double>(), sk["auc"].get<double>(), 1e-6);
  EXPECT_NEAR(s["test"]["metrics"]["accuracy"].get<double>(), sk["accuracy"].get<double>(), 1e-9);
  EXPECT_EQ(s["dataset_3d"]["cases"], 2);
  // Segmentation: one label map per test phantom on its grid, and the demo's
  // mean Dice is the one PIL + numpy compute from the written maps.
  ASSERT_TRUE(s.contains("segmentation"));
  EXPECT_EQ(s["segmentation"]["test_cases"], 20);
  json pairs = json::array();
  for (const auto& entry : fs::directory_iterator(out.file("phantoms2d_test/masks"))) {
    const std::string id = entry.path().stem().string();
    pairs.push_back({{"pred", out.file("segmentation_maps/" + id + "_seg.png")},
                     {"ref", entry.path().string()},
                     {"prob", out.file("segmentation_maps/" + id + "_prob.tif")}});
  }
  ASSERT_EQ(pairs.size(), 20u);
  medcnn::test::write_text(out.file("pairs.json"), pairs.dump());
  json maps = run_oracle("segmentation_maps.py", {out.file("pairs.json")});
  ASSERT_FALSE(maps.is_null());
  EXPECT_NEAR(s["segmentation"]["test_dice_mean"].get<double>(), maps["mean_dice"].get<double>(),
              1e-9);
  // Detection: a CenterNet scored on 20 new phantoms, with its report (two
  // epochs only: the numbers are checked for range, DetectCli checks values)
  ASSERT_TRUE(s.contains("detection"));
  EXPECT_EQ(s["detection"]["test_cases"], 20);
  for (const char* m : {"test_froc", "test_map50"}) {
    ASSERT_TRUE(s["detection"][m].is_number()) << m;
    EXPECT_GE(s["detection"][m].get<double>(), 0.0);
    EXPECT_LE(s["detection"][m].get<double>(), 1.0);
  }
  EXPECT_TRUE(fs::exists(out.file("detection/report.html")));
  EXPECT_TRUE(fs::exists(out.file("detection/cases.csv")));
}

TEST(Cli, InspectNiftiMatchesNibabel) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  json j = inspect_json({path});
  json o = run_oracle("cli_facts.py", {"nifti", path});
  ASSERT_FALSE(o.is_null());
  EXPECT_EQ(j["size"], o["size"]);
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(j["spacing"][k].get<double>(), o["spacing"][k].get<double>(), 1e-6);
  EXPECT_DOUBLE_EQ(j["min"].get<double>(), o["min"].get<double>());
  EXPECT_DOUBLE_EQ(j["max"].get<double>(), o["max"].get<double>());
  EXPECT_NEAR(j["mean"].get<double>(), o["mean"].get<double>(), 1e-9);
}

TEST(Cli, InspectDicomSeriesMatchesPydicom) {
  MEDCNN_REQUIRE_DATA(dir, "dicom-pydicom/dicomdirtests/98892003/MR700");
  json j = inspect_json({dir});
  json o = run_oracle("cli_facts.py", {"dicom_series", dir});
  ASSERT_EQ(j["kind"], "dicom-folder");
  ASSERT_EQ(j["series"].size(), 1u);
  const json& s = j["series"][0];
  EXPECT_EQ(s["uid"], o["series_uid"]);
  EXPECT_EQ(s["slices"], o["slices"]);
  EXPECT_EQ(s["modality"], o["modality"]);
  EXPECT_EQ(s["image"]["size"], json({o["columns"], o["rows"], o["slices"]}));
  EXPECT_NEAR(s["image"]["spacing"][2].get<double>(), o["slice_spacing"].get<double>(), 1e-3);
  EXPECT_NEAR(s["image"]["spacing"][0].get<double>(), o["pixel_spacing"][1].get<double>(), 1e-6);
}

TEST(Cli, InspectMedmnistNpzMatchesNumpy) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/breastmnist_trainval.npz");
  json j = inspect_json({path});
  json o = run_oracle("cli_facts.py", {"npz", path});
  ASSERT_EQ(j["kind"], "npz");
  for (auto& [key, a] : o.items()) {
    EXPECT_EQ(j["arrays"][key]["shape"], a["shape"]) << key;
    if (a.contains("label_counts")) EXPECT_EQ(j["arrays"][key]["label_counts"], a["label_counts"]) << key;
  }
}

TEST(Cli, InspectEveryFolderOfSharedData) {
  MEDCNN_REQUIRE_DATA(root, "");
  for (const auto& entry : fs::directory_iterator(root)) {
    if (!entry.is_directory()) continue;
    CommandResult r = run_medcnn({"inspect", "--json", entry.path().string()});
    EXPECT_EQ(r.exit_code, 0) << entry.path() << ": " << r.err;
    EXPECT_NO_THROW(json::parse(r.out)) << entry.path();
  }
}

TEST(Cli, InspectFolderCountsFilesAsPythonDoes) {
  MEDCNN_REQUIRE_DATA(root, "drive/training");
  json j = inspect_json({root});
  json o = run_oracle("cli_facts.py", {"walk", root});
  ASSERT_EQ(j["kind"], "folder");
  int64_t total = 0;
  for (auto& [k, v] : o.items()) total += v.get<int64_t>();
  EXPECT_EQ(j["files"].get<int64_t>(), total);
  std::map<std::string, int64_t> by_folder_ours, by_folder_python;
  for (const auto& g : j["groups"]) by_folder_ours[g["folder"]] += g["count"].get<int64_t>();
  for (auto& [k, v] : o.items()) by_folder_python[k.substr(0, k.find('|'))] += v.get<int64_t>();
  EXPECT_EQ(by_folder_ours, by_folder_python);
  for (const auto& g : j["groups"]) {
    if (g["folder"] == "images") {
      EXPECT_EQ(g["format"], "TIFF");
      EXPECT_EQ(g["count"], 20);
      EXPECT_EQ(g["facts"]["size"], json({565, 584}));
      EXPECT_EQ(g["facts"]["channels"], 3);
    }
  }
}

TEST(Cli, ConvertKeepsGeometryAcrossFormats) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  TempDir tmp;
  for (const char* ext : {".nrrd", ".mha", ".nii"}) {
    std::string out = tmp.file(std::string("brain") + ext);
    CommandResult r = run_medcnn({"convert", path, out});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json a = inspect_json({path}), b = inspect_json({out});
    EXPECT_EQ(a["size"], b["size"]) << ext;
    EXPECT_EQ(a["spacing"], b["spacing"]) << ext;
    EXPECT_EQ(a["origin"], b["origin"]) << ext;
    EXPECT_EQ(a["direction"], b["direction"]) << ext;
    EXPECT_EQ(a["pixel_type"], b["pixel_type"]) << ext;
    EXPECT_EQ(a["mean"], b["mean"]) << ext;
  }
}

// ---- bad input ------------------------------------------------------------

TEST(CliBadInput, MissingFile) {
  expect_user_error(run_medcnn({"inspect", "/nonexistent/scan.nii.gz"}), "/nonexistent/scan.nii.gz");
  TempDir tmp;
  expect_user_error(run_medcnn({"convert", "/nonexistent/a.png", tmp.file("b.png")}), "/nonexistent/a.png");
  EXPECT_FALSE(fs::exists(tmp.file("b.png")));
}

TEST(CliBadInput, PngNameWithOtherBytes) {
  TempDir tmp;
  medcnn::test::write_text(tmp.file("fake.png"), "this is not an image, just text\n");
  expect_user_error(run_medcnn({"inspect", tmp.file("fake.png")}), "fake.png");
}

TEST(CliBadInput, TruncatedNiftiGz) {
  MEDCNN_REQUIRE_DATA(path, "brain-mri-itk/KmeansTest_T1UCharRaw.nii.gz");
  TempDir tmp;
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  medcnn::test::write_text(tmp.file("cut.nii.gz"), bytes.substr(0, bytes.size() / 2));
  expect_user_error(run_medcnn({"inspect", tmp.file("cut.nii.gz")}), "cut.nii.gz");
  // Nothing half-written by a failed convert.
  expect_user_error(run_medcnn({"convert", tmp.file("cut.nii.gz"), tmp.file("out.nrrd")}), "cut.nii.gz");
  EXPECT_FALSE(fs::exists(tmp.file("out.nrrd")));
}

TEST(CliBadInput, DicomFolderWithTwoSeries) {
  MEDCNN_REQUIRE_DATA(mr, "dicom-pydicom/dicomdirtests/98892003/MR700");
  MEDCNN_REQUIRE_DATA(ct, "dicom-pydicom/dicomdirtests/77654033/CT2");
  TempDir tmp;
  for (const auto& dir : {mr, ct})
    for (const auto& e : fs::directory_iterator(dir))
      fs::copy_file(e.path(), tmp.file(fs::path(dir).filename().string() + "_" + e.path().filename().string()));
  CommandResult r = run_medcnn({"convert", tmp.path(), tmp.file("out.nii.gz")});
  expect_user_error(r, tmp.path());
  json mr_facts = run_oracle("cli_facts.py", {"dicom_series", mr});
  EXPECT_NE(r.err.find(mr_facts["series_uid"].get<std::string>()), std::string::npos)
      << "the error should list the series uids: " << r.err;
  EXPECT_FALSE(fs::exists(tmp.file("out.nii.gz")));
  // Choosing one series by uid works.
  CommandResult ok = run_medcnn({"convert", tmp.path(), tmp.file("mr.nii.gz"), "--series-uid",
                                 mr_facts["series_uid"].get<std::string>()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  json facts = inspect_json({tmp.file("mr.nii.gz")});
  EXPECT_EQ(facts["size"][2], mr_facts["slices"]);
}

TEST(CliBadInput, ImageAndMaskOfDifferentSizes) {
  TempDir tmp;
  ASSERT_EQ(run_medcnn({"phantom", tmp.file("a"), "-n", "2", "--size", "64"}).exit_code, 0);
  ASSERT_EQ(run_medcnn({"phantom", tmp.file("b"), "-n", "2", "--size", "48", "--min-radius", "3", "--max-radius", "6"}).exit_code, 0);
  // Pair a 64x64 image with a 48x48 mask.
  medcnn::test::write_text(tmp.file("bad.csv"),
             "image,label,mask\n" + tmp.file("a/images/phantom_0000.png") + ",0," +
                 tmp.file("b/masks/phantom_0000.png") + "\n");
  expect_user_error(run_medcnn({"inspect", "--check", tmp.file("bad.csv")}), "phantom_0000.png");
}

TEST(CliBadInput, NpzWithoutExpectedKeys) {
  MEDCNN_REQUIRE_DATA(path, "medmnist/breastmnist_trainval.npz");
  // The trainval file holds no test arrays: asking for them names the file and the key.
  CommandResult r = run_medcnn({"inspect", "--split", "test", path});
  expect_user_error(r, "breastmnist_trainval.npz");
  EXPECT_NE(r.err.find("test_images"), std::string::npos) << r.err;
  // An npz with other keys altogether.
  TempDir tmp;
  auto made = medcnn::test::run_command(
      "/usr/bin/python3 -c \"import numpy as np; np.savez('" + tmp.file("other.npz") +
      "', weights=np.zeros((3, 3)))\"");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CommandResult r2 = run_medcnn({"inspect", "--split", "train", tmp.file("other.npz")});
  expect_user_error(r2, "other.npz");
  EXPECT_NE(r2.err.find("weights"), std::string::npos) << "should list the keys present: " << r2.err;
}

TEST(CliBadInput, EmptyFolder) {
  TempDir tmp;
  fs::create_directory(tmp.file("empty"));
  expect_user_error(run_medcnn({"inspect", tmp.file("empty")}), "empty");
  expect_user_error(run_medcnn({"convert", tmp.file("empty"), tmp.file("x.nii.gz")}), "empty");
}

TEST(CliBadInput, CsvRowPointingAtMissingFile) {
  TempDir tmp;
  medcnn::test::write_text(tmp.file("cases.csv"), "image,label\nmissing_case.png,1\n");
  CommandResult r = run_medcnn({"inspect", tmp.file("cases.csv")});
  expect_user_error(r, "missing_case.png");
  EXPECT_NE(r.err.find("cases.csv"), std::string::npos) << r.err;
}
