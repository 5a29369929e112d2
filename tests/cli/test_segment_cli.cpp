// Segmentation through the program on phantoms: train a small U-Net on
// patches (validation on whole images through the sliding window), predict
// label and probability maps for new phantoms, and score those maps again
// in Python (PIL + numpy).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "test_support.h"

namespace fs = std::filesystem;
using medcnn::test::CommandResult;
using medcnn::test::run_medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using medcnn::test::write_text;
using nlohmann::json;

namespace {

json read_json(const std::string& path) {
  std::ifstream f(path);
  return json::parse(f);
}

std::string seg_config(const std::string& manifest, const std::string& extra) {
  return "task = \"segmentation\"\nseed = 3\nclasses = [\"background\", \"lesion\"]\n"
         "[data]\nsource = \"" + manifest + "\"\nval_fraction = 0.2\n"
         "[network]\nname = \"unet\"\ndepth = 3\nwidth = 8\n"
         "[optimizer]\nname = \"adam\"\nlr = 0.01\n"
         "[schedule]\nname = \"constant\"\n"
         "[train]\nepochs = 6\nbatch_size = 8\nrepeats = 4\nworkers = 1\nprecision = \"fp32\"\n"
         "[inferer]\nroi_size = [32, 32]\noverlap = 0.25\n"
         "[[preprocess]]\nname = \"ScaleIntensity\"\n"
         "[[preprocess]]\nname = \"MapLabelValue\"\norig_labels = [0, 1, 2]\ntarget_labels = [0, 1, 1]\n"
         "[[augment]]\nname = \"RandCropByPosNegLabel\"\nspatial_size = [32, 32]\npos = 1\nneg = 1\n"
         "[[augment]]\nname = \"RandFlip\"\nprob = 0.5\n" + extra;
}

}  // namespace

TEST(SegmentCli, TrainOnPatchesPredictMapsAndScoreThemInPython) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "5", "phantom", dir.file("train"), "-n", "30", "--size", "48", "--max-radius", "7"})
                .exit_code, 0);
  ASSERT_EQ(run_medcnn({"--seed", "900", "phantom", dir.file("test"), "-n", "6", "--size", "48", "--max-radius", "7"})
                .exit_code, 0);
  // One lesion per phantom: keep the largest component of each prediction.
  write_text(dir.file("seg.toml"),
             seg_config(dir.file("train/manifest.csv"),
                        "[[postprocess]]\nname = \"KeepLargestConnectedComponent\"\n"));
  CommandResult t = run_medcnn({"--threads", "2", "train", dir.file("seg.toml"), "--out",
                                dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  for (auto f : {"config.json", "best.pt", "last.pt", "history.csv", "val_evaluation.json"})
    EXPECT_TRUE(fs::exists(dir.file("run/") + f)) << f;
  json val = read_json(dir.file("run/val_evaluation.json"));
  EXPECT_EQ(val["task"], "segmentation");
  EXPECT_EQ(val["cases"].size(), 6u);  // 20% of 30 whole images
  EXPECT_GT(val["metrics"]["dice"].get<double>(), 0.6) << val["metrics"].dump();
  EXPECT_GT(val["metrics"]["auc"].get<double>(), 0.9) << val["metrics"].dump();

  CommandResult p = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("maps")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  json pairs = json::array();
  for (const auto& entry : fs::directory_iterator(dir.file("test/masks"))) {
    const std::string id = entry.path().stem().string();
    const std::string pred = dir.file("maps/" + id + "_seg.png");
    ASSERT_TRUE(fs::exists(pred)) << pred;
    pairs.push_back({{"pred", pred}, {"ref", entry.path().string()},
                     {"prob", dir.file("maps/" + id + "_prob.tif")}});
  }
  ASSERT_EQ(pairs.size(), 6u);
  write_text(dir.file("pairs.json"), pairs.dump());
  json scored = run_oracle("segmentation_maps.py", {dir.file("pairs.json")});
  ASSERT_FALSE(scored.is_null());
  for (const auto& c : scored["cases"]) {
    EXPECT_EQ(c["pred_shape"], c["shape"]);  // maps on the input grid
    EXPECT_GE(c["prob_range"][0].get<double>(), 0.0);
    EXPECT_LE(c["prob_range"][1].get<double>(), 1.0);
    EXPECT_LE(c["components"].get<int>(), 1);  // the post-processing ran
  }
  EXPECT_GT(scored["mean_dice"].get<double>(), 0.6) << scored.dump();

  // evaluate scores the folder of maps against the manifest's masks (lesion
  // classes merged by --binarize) with the Dice PIL + numpy found ...
  CommandResult e = run_medcnn({"evaluate", "--predictions", dir.file("maps"), "--data",
                                dir.file("test/manifest.csv"), "--binarize", "--out",
                                dir.file("eval")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json ev = read_json(dir.file("eval/evaluation.json"));
  ASSERT_EQ(ev["cases"].size(), 6u);
  const double folder_dice = ev["summary"]["per_class"][0]["dice"]["mean"].get<double>();
  EXPECT_NEAR(folder_dice, scored["mean_dice"].get<double>(), 1e-9);
  EXPECT_TRUE(ev["auc"].is_number());
  for (auto f : {"cases.csv", "report.html"}) EXPECT_TRUE(fs::exists(dir.file("eval/") + f)) << f;
  std::ifstream html(dir.file("eval/report.html"));
  std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("data:image/png;base64,"), std::string::npos);  // overlays inline
  EXPECT_EQ(page.find("http"), std::string::npos);                      // nothing fetched
  // ... and the model itself over the same data gives the same numbers.
  CommandResult m = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("eval_model")});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  json em = read_json(dir.file("eval_model/evaluation.json"));
  EXPECT_NEAR(em["summary"]["per_class"][0]["dice"]["mean"].get<double>(), folder_dice, 1e-9);
  // A missing map is an error naming the case.
  fs::remove(dir.file("maps/" + pairs[0]["pred"].get<std::string>().substr(
                                    dir.file("maps/").size())));
  CommandResult bad = run_medcnn({"evaluate", "--predictions", dir.file("maps"), "--data",
                                  dir.file("test/manifest.csv"), "--out", dir.file("eval_bad")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("no label map"), std::string::npos) << bad.err;
}

TEST(SegmentCli, BadSegmentationConfigsNameTheKey) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", "6", "--size", "32", "--max-radius", "5"}).exit_code, 0);
  write_text(dir.file("a.toml"), seg_config(dir.file("ph/manifest.csv"),
                                            "[evaluate]\nmetrics = [\"dice\", \"volume\"]\n"));
  CommandResult r = run_medcnn({"train", dir.file("a.toml"), "--out", dir.file("a"), "--quiet"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("volume"), std::string::npos) << r.err;
  write_text(dir.file("c.toml"), "task = \"segmentation\"\n[data]\nsource = \"" +
                                     dir.file("ph/manifest.csv") +
                                     "\"\n[inferer]\noverlap = 1.5\n[train]\nepochs = 1\n");
  r = run_medcnn({"train", dir.file("c.toml"), "--out", dir.file("c"), "--quiet"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("inferer.overlap"), std::string::npos) << r.err;
}
