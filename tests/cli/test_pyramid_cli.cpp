// The pyramid-of-scales localizer through the program: a small window
// classifier trained on phantoms holding one lesion of varying size (radius
// 3 to 10 px), then predict and evaluate on new phantoms; the boxes of
// predict's CSV are scored again in plain Python (localization_boxes.py)
// and evaluate's accuracy and mean IoU must agree with it; 2-fold
// cross-validation scores each fold by the search on its held-out images.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "test_support.h"

namespace fs = std::filesystem;
using medcnn::test::CommandResult;
using medcnn::test::read_json;
using medcnn::test::run_medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using medcnn::test::write_text;
using nlohmann::json;

namespace {

// (xmax - xmin) of every row of a predict box CSV (image,class,xmin,ymin,xmax,ymax,score).
std::vector<double> box_widths(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  std::vector<double> out;
  while (std::getline(f, line)) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string c; std::getline(s, c, ',');) cells.push_back(c);
    if (cells.size() >= 6) out.push_back(std::stod(cells[4]) - std::stod(cells[2]));
  }
  return out;
}

}  // namespace

TEST(PyramidCli, TrainPredictEvaluateAgreeWithPython) {
  TempDir dir;
  for (auto [name, seed, n] : {std::tuple{"train", "6", "40"}, std::tuple{"test", "11", "16"}})
    ASSERT_EQ(run_medcnn({"--seed", seed, "phantom", dir.file(name), "-n", n, "--size", "64",
                          "--min-radius", "3", "--max-radius", "10", "--malignant-fraction", "0"})
                  .exit_code, 0);
  write_text(dir.file("pyr.toml"),
             "task = \"localization\"\nseed = 2\nclasses = [\"benign\"]\n"
             "[data]\nsource = \"" + dir.file("train/manifest.csv") + "\"\nval_fraction = 0.25\n"
             "[network]\nname = \"lenet5\"\n"
             "[localization]\nmethod = \"pyramid\"\nwindow_size = 32\npositives = 6\n"
             "negatives = 18\nscales = [0.1, 0.14, 0.2, 0.28, 0.4]\n"
             "[optimizer]\nname = \"adam\"\nlr = 0.002\n"
             "[train]\nepochs = 8\nbatch_size = 32\nworkers = 1\nprecision = \"fp32\"\n"
             "[[preprocess]]\nname = \"ScaleIntensity\"\n"
             "[[augment]]\nname = \"RandFlip\"\nprob = 0.5\nspatial_axis = [1]\n");
  // one thread: tiny convolutions on a shared machine
  CommandResult t = run_medcnn({"--threads", "1", "train", dir.file("pyr.toml"), "--out",
                                dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  json cfg = read_json(dir.file("run/config.json"));
  EXPECT_EQ(cfg["localization"]["method"], "pyramid");
  EXPECT_EQ(cfg["network"]["num_classes"], 2);  // background + benign
  json val = read_json(dir.file("run/val_evaluation.json"));
  EXPECT_EQ(val["task"], "localization");
  EXPECT_EQ(val["method"], "pyramid");
  EXPECT_GE(val["n"].get<int>(), 8);
  EXPECT_GT(val["window_metrics"]["auc"].get<double>(), 0.9) << val["window_metrics"].dump();
  EXPECT_GE(val["metrics"]["accuracy"].get<double>(), 0.6) << val["metrics"].dump();

  CommandResult p = run_medcnn({"--threads", "1", "predict", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("boxes.csv")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  CommandResult e = run_medcnn({"--threads", "1", "evaluate", "--model", dir.file("run"),
                                "--data", dir.file("test/manifest.csv"), "--out",
                                dir.file("eval")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json ev = read_json(dir.file("eval/evaluation.json"));
  json py = run_oracle("localization_boxes.py",
                       {dir.file("boxes.csv"), dir.file("test/manifest.csv")});
  ASSERT_FALSE(py.is_null());
  EXPECT_EQ(py["n"], 16);
  EXPECT_EQ(py["coco_predictions"], 16);
  // one class: evaluate's accuracy is the share with IoU >= 0.5, as in Python
  EXPECT_NEAR(ev["metrics"]["accuracy"].get<double>(), py["accuracy"].get<double>(), 1e-9);
  EXPECT_NEAR(ev["metrics"]["mean_iou"].get<double>(), py["mean_iou"].get<double>(), 1e-4);
  EXPECT_NEAR(ev["metrics"]["mean_centroid_error_px"].get<double>(),
              py["mean_centroid_error_px"].get<double>(), 1e-3);
  EXPECT_GE(py["accuracy"].get<double>(), 0.75) << py.dump();
  // the lesions' sizes differ about threefold: so do the boxes found
  auto widths = box_widths(dir.file("boxes.csv"));
  ASSERT_EQ(widths.size(), 16u);
  EXPECT_GT(*std::max_element(widths.begin(), widths.end()),
            1.6 * *std::min_element(widths.begin(), widths.end()));
  // cross-validation: each fold's held-out score is the search on its held-out images
  CommandResult cv = run_medcnn({"--threads", "1", "train", dir.file("pyr.toml"), "--out",
                                 dir.file("cv"), "--quiet", "cv.folds=2", "train.epochs=4"});
  ASSERT_EQ(cv.exit_code, 0) << cv.err;
  json summary = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(summary["runs"].size(), 2u);
  int heldout = 0;
  for (int f = 1; f <= 2; ++f) {
    json h = read_json(dir.file("cv/fold" + std::to_string(f) + "/heldout_evaluation.json"));
    EXPECT_EQ(h["method"], "pyramid");
    int hits = 0;
    for (const auto& c : h["cases"]) hits += c["iou"].get<double>() >= 0.5;
    heldout += int(h["cases"].size());
    EXPECT_NEAR(h["metrics"]["accuracy"].get<double>(), double(hits) / h["cases"].size(), 1e-12);
    EXPECT_NEAR(summary["runs"][f - 1]["heldout"]["accuracy"].get<double>(),
                h["metrics"]["accuracy"].get<double>(), 1e-12);
  }
  EXPECT_EQ(heldout, 40);  // every image held out once
  // Test-time flips: the search on each flipped image, boxes flipped back and
  // averaged, with their spread; Monte-Carlo passes are not defined for it.
  CommandResult pt = run_medcnn({"--threads", "1", "predict", "--model", dir.file("run"), "--data",
                                 dir.file("test/manifest.csv"), "--out", dir.file("b2.csv"),
                                 "--tta"});
  ASSERT_EQ(pt.exit_code, 0) << pt.err;
  {
    std::ifstream f(dir.file("b2.csv"));
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "image,class,xmin,ymin,xmax,ymax,score,box_sd");
  }
  json tta = run_oracle("localization_boxes.py", {dir.file("b2.csv"), dir.file("test/manifest.csv")});
  EXPECT_GE(tta["accuracy"].get<double>(), 0.75) << tta.dump();
  CommandResult m = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("b3.csv"),
                                "--mc-samples", "3"});
  EXPECT_NE(m.exit_code, 0);
  EXPECT_NE(m.err.find("pyramid"), std::string::npos) << m.err;
}

// Bad pyramid keys are refused before training, naming the key.
TEST(PyramidCli, BadKeysNameTheKey) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", "4", "--size", "64"}).exit_code, 0);
  auto config = [&](const std::string& loc) {
    write_text(dir.file("c.toml"), "task = \"localization\"\n[data]\nsource = \"" +
                                       dir.file("ph/manifest.csv") + "\"\n[localization]\n" + loc);
    return run_medcnn({"train", dir.file("c.toml"), "--out", dir.file("run"), "--quiet"});
  };
  for (auto [loc, key] : {std::pair{"method = \"pyramids\"\n", "localization.method"},
                          std::pair{"method = \"pyramid\"\nstride = 0.0\n", "localization.stride"},
                          std::pair{"method = \"pyramid\"\nscales = []\n", "localization.scales"},
                          std::pair{"method = \"pyramid\"\nwindow_size = [32, 32, 32]\n",
                                    "localization.window_size"},
                          std::pair{"method = \"pyramid\"\nnegative_iou = 0.9\n",
                                    "localization.negative_iou"},
                          std::pair{"method = \"pyramid\"\npositives = -1\n",
                                    "localization.positives"}}) {
    CommandResult r = config(loc);
    EXPECT_EQ(r.exit_code, 5) << loc << r.err;  // ConfigError
    EXPECT_NE(r.err.find(key), std::string::npos) << r.err;
  }
}
