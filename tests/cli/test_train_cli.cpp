// train -> predict -> evaluate through the program on phantoms, scored again
// by scikit-learn; cross-validation outputs and the fold ensemble; resume;
// bad configs and bad predictions files. Segmentation: a small U-Net trained
// on patches (validation on whole images through the sliding window), label
// and probability maps predicted for new phantoms and scored again in Python
// (PIL + numpy), evaluate on a folder of maps and on the model.
#include <filesystem>
#include <map>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "medcnn/train/checkpoint.h"
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

int csv_rows(const std::string& path) {
  std::ifstream f(path);
  int n = -1;  // header
  for (std::string l; std::getline(f, l);) n += !l.empty();
  return n;
}

// A small experiment on phantoms: LeNet-5 on 64x64, a few epochs.
std::string write_config(const TempDir& dir, const std::string& manifest, const std::string& extra) {
  std::string toml = "task = \"classification\"\nseed = 1\n"
                     "[data]\nsource = \"" + manifest + "\"\nval_fraction = 0.25\n"
                     "[network]\nname = \"lenet5\"\n"
                     "[optimizer]\nname = \"adam\"\nlr = 0.002\n"
                     "[train]\nepochs = 2\nbatch_size = 8\nworkers = 1\nprecision = \"fp32\"\n"
                     "[[preprocess]]\nname = \"NormalizeIntensity\"\n"
                     "[[augment]]\nname = \"RandFlip\"\nprob = 0.5\n"
                     "[evaluate]\nbootstrap = 50\n" + extra;
  write_text(dir.file("exp.toml"), toml);
  return dir.file("exp.toml");
}

// n phantom cases and a classification config with the given [cv] table,
// trained for one epoch into dir/cv (plus any extra arguments); returns the
// config's path.
std::string train_phantom_cv(const TempDir& dir, int n, const std::string& cv,
                             std::vector<std::string> extra = {}) {
  EXPECT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", std::to_string(n)}).exit_code, 0);
  std::string cfg = write_config(dir, dir.file("ph/manifest.csv"), "[cv]\n" + cv);
  std::vector<std::string> args{"train", cfg, "--out", dir.file("cv"), "--quiet", "train.epochs=1"};
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult t = run_medcnn(args);
  EXPECT_EQ(t.exit_code, 0) << t.err;
  return cfg;
}

void expect_user_error(const CommandResult& r, const std::string& needle, int code) {
  EXPECT_EQ(r.exit_code, code) << r.err;
  EXPECT_NE(r.err.find("medcnn: error:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(needle), std::string::npos) << "message does not name '" << needle << "': " << r.err;
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

TEST(TrainCli, TrainPredictEvaluateAgreeWithScikitLearn) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "2", "phantom", dir.file("ph"), "-n", "40"}).exit_code, 0);
  std::string cfg = write_config(dir, dir.file("ph/manifest.csv"), "");
  CommandResult t = run_medcnn({"--threads", "2", "train", cfg, "--out", dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  for (auto f : {"config.json", "best.pt", "last.pt", "history.csv", "ensemble.json",
                 "val_predictions.csv", "val_evaluation.json"})
    EXPECT_TRUE(fs::exists(dir.file("run/") + f)) << f;
  json resolved = read_json(dir.file("run/config.json"));
  EXPECT_EQ(resolved["network"]["in_channels"], 1);
  EXPECT_EQ(resolved["network"]["num_classes"], 2);
  EXPECT_EQ(resolved["classes"], json({"benign", "malignant"}));
  EXPECT_EQ(csv_rows(dir.file("run/history.csv")), 2);

  CommandResult p = run_medcnn({"predict", "--model", dir.file("run"), "--data", dir.file("ph/manifest.csv"),
                                "--out", dir.file("pred.csv")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(csv_rows(dir.file("pred.csv")), 40);

  // Scored with the threshold the model chose on validation (ensemble.json),
  // the one predict used for the "predicted" column.
  std::ostringstream threshold;
  threshold.precision(17);
  threshold << read_json(dir.file("run/ensemble.json"))["threshold"].get<double>();
  CommandResult e = run_medcnn({"evaluate", "--predictions", dir.file("pred.csv"), "--out", dir.file("eval"),
                                "--threshold", threshold.str()});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json ev = read_json(dir.file("eval/evaluation.json"));
  json sk = run_oracle("predictions_sklearn.py", {dir.file("pred.csv")});
  ASSERT_FALSE(sk.is_null());
  EXPECT_NEAR(ev["metrics"]["auc"]["value"].get<double>(), sk["auc"].get<double>(), 1e-6);
  EXPECT_EQ(ev["confusion_matrix"], sk["confusion_matrix"]);
  EXPECT_EQ(ev["n"], 40);
  // Uncertainty: the entropy column, the referral and calibration of evaluate.
  ASSERT_TRUE(sk["entropy_error"].is_number());
  EXPECT_LT(sk["entropy_error"].get<double>(), 1e-4);
  EXPECT_NEAR(ev["uncertainty"]["referral"]["least_confidence"]["accuracy_refer_10"].get<double>(),
              sk["refer10_least_confidence"].get<double>(), 1e-9);
  EXPECT_NEAR(ev["uncertainty"]["calibration"]["ece"].get<double>(), sk["ece15"].get<double>(), 1e-5);
  // The HTML report exists and is self-contained.
  std::ifstream html(dir.file("eval/report.html"));
  std::string text((std::istreambuf_iterator<char>(html)), {});
  EXPECT_NE(text.find("<svg"), std::string::npos);
  auto count = [&](const std::string& needle) {
    size_t n = 0;
    for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("http"), count("http://www.w3.org/2000/svg")) << "only the SVG namespace is a URL";
  EXPECT_EQ(count("<script"), 0u);

  // evaluate --model runs the model itself and gets the same AUC.
  CommandResult e2 = run_medcnn({"evaluate", "--model", dir.file("run"), "--data", dir.file("ph/manifest.csv"),
                                 "--out", dir.file("eval2"), "--bootstrap", "0"});
  ASSERT_EQ(e2.exit_code, 0) << e2.err;
  EXPECT_NEAR(read_json(dir.file("eval2/evaluation.json"))["metrics"]["auc"]["value"].get<double>(),
              sk["auc"].get<double>(), 1e-5);
  EXPECT_TRUE(fs::exists(dir.file("eval2/report.html")));
  {  // the report explains the (up to) 3 most confident errors and shows calibration
    json cm = read_json(dir.file("eval2/evaluation.json"))["confusion_matrix"];
    const int errors = cm[0][1].get<int>() + cm[1][0].get<int>();
    std::ifstream f(dir.file("eval2/report.html"));
    std::string page((std::istreambuf_iterator<char>(f)), {});
    EXPECT_NE(page.find("id=\"uncertainty\""), std::string::npos);
    EXPECT_NE(page.find("Reliability diagram"), std::string::npos);
    const size_t begin = page.find("id=\"errors\"");
    const std::string section =
        begin == std::string::npos ? "" : page.substr(begin, page.find("</section>", begin) - begin);
    size_t figures = 0;
    for (size_t at = section.find("<figcaption>"); at != std::string::npos;
         at = section.find("<figcaption>", at + 1))
      ++figures;
    EXPECT_EQ(figures, size_t(std::min(3, errors)));
  }

  // Uncertainty through predict: LeNet-5 has no dropout, so Monte-Carlo
  // passes need drop-weights; the CSV gains mutual information and variance.
  CommandResult mc = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--out", dir.file("mc.csv"),
                                 "--mc-samples", "4"});
  EXPECT_NE(mc.exit_code, 0);
  EXPECT_NE(mc.err.find("no dropout layer"), std::string::npos) << mc.err;
  mc = run_medcnn({"predict", "--model", dir.file("run"), "--data", dir.file("ph/manifest.csv"),
                   "--out", dir.file("mc.csv"), "--mc-samples", "4", "--drop-weights", "0.1",
                   "--tta"});
  ASSERT_EQ(mc.exit_code, 0) << mc.err;
  {
    std::ifstream f(dir.file("mc.csv"));
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "id,label,predicted,p_benign,p_malignant,entropy,mutual_information,variance,"
                      "vote_disagreement,vote");
  }
  // The vote column is a class name and the file reads back through evaluate.
  CommandResult mce = run_medcnn({"evaluate", "--predictions", dir.file("mc.csv"), "--out",
                                  dir.file("mc_eval")});
  ASSERT_EQ(mce.exit_code, 0) << mce.err;
  EXPECT_TRUE(read_json(dir.file("mc_eval/evaluation.json"))["uncertainty"]["referral"].contains(
      "vote_disagreement"));
  json skmc = run_oracle("predictions_sklearn.py", {dir.file("mc.csv")});
  EXPECT_LT(skmc["entropy_error"].get<double>(), 1e-4);

  // explain: Grad-CAM maps on the input grid, overlays, a table; a wrong
  // layer is an error that lists the valid ones.
  CommandResult x = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--limit", "3", "--out",
                                dir.file("expl"), "--class", "malignant"});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  EXPECT_EQ(csv_rows(dir.file("expl/explanations.csv")), 3);
  std::vector<std::string> maps;
  for (const auto& f : fs::directory_iterator(dir.file("expl")))
    if (f.path().filename().string().find("_gradcam.png") != std::string::npos)
      maps.push_back(f.path().string());
  ASSERT_EQ(maps.size(), 3u);
  json facts = run_oracle("cli_facts.py", {"png", maps[0]});
  EXPECT_EQ(facts["size"], json({64, 64})) << facts.dump();
  CommandResult xl = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--layer", "layer9"});
  EXPECT_NE(xl.exit_code, 0);
  EXPECT_NE(xl.err.find("valid layers: features.c1"), std::string::npos) << xl.err;

  // --resume on a finished run trains nothing more and keeps its files.
  CommandResult r = run_medcnn({"train", cfg, "--out", dir.file("run"), "--resume", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(csv_rows(dir.file("run/history.csv")), 2);
}

TEST(TrainCli, CrossValidationWritesFoldsSummaryAndEnsemble) {
  TempDir dir;
  train_phantom_cv(dir, 30, "folds = 3\n");
  json s = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 3u);
  EXPECT_TRUE(s["heldout_mean_sd"].contains("auc"));
  // Out-of-fold predictions: every case exactly once.
  EXPECT_EQ(csv_rows(dir.file("cv/oof_predictions.csv")), 30);
  json ens = read_json(dir.file("cv/ensemble.json"));
  ASSERT_EQ(ens["members"].size(), 3u);
  // The ensemble's probabilities are the mean of its members'.
  ASSERT_EQ(run_medcnn({"predict", "--model", dir.file("cv"), "--data", dir.file("ph/manifest.csv"),
                        "--out", dir.file("ens.csv")}).exit_code, 0);
  std::vector<double> mean(2, 0.0);
  for (int f = 1; f <= 3; ++f) {
    std::string out = dir.file("f" + std::to_string(f) + ".csv");
    ASSERT_EQ(run_medcnn({"predict", "--model", dir.file("cv/fold" + std::to_string(f) + "/best.pt"),
                          "--data", dir.file("ph/manifest.csv"), "--out", out}).exit_code, 0);
    json o = run_oracle("predictions_sklearn.py", {out});
    for (int c = 0; c < 2; ++c) mean[c] += o["mean_probabilities"][c].get<double>() / 3.0;
  }
  json e = run_oracle("predictions_sklearn.py", {dir.file("ens.csv")});
  for (int c = 0; c < 2; ++c) EXPECT_NEAR(e["mean_probabilities"][c].get<double>(), mean[c], 1e-5);
}

// The second class's probability (5th column) of a predictions CSV (id,
// label, predicted, p_<class 1>, p_<class 2>, ...) by id.
std::map<std::string, double> second_class_probability(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  const size_t col = 4;
  std::map<std::string, double> out;
  while (std::getline(f, line)) {
    std::vector<std::string> cells;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cells.push_back(c);
    if (cells.size() > col) out[cells[0]] = std::stod(cells[col]);
  }
  return out;
}

TEST(TrainCli, CrossValidationMembersAverageTheirProbabilities) {
  TempDir dir;
  std::string cfg = train_phantom_cv(dir, 24, "folds = 2\nmembers = 2\n");
  json ens = read_json(dir.file("cv/ensemble.json"));
  ASSERT_EQ(ens["members"].size(), 4u);
  EXPECT_EQ(ens["members"][1], "fold1/member2/best.pt");
  json s = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 2u);
  // A fold's held-out probabilities are the mean of its members'.
  for (std::string fold : {"fold1", "fold2"}) {
    auto m1 = second_class_probability(dir.file("cv/" + fold + "/member1/heldout_predictions.csv"));
    auto m2 = second_class_probability(dir.file("cv/" + fold + "/member2/heldout_predictions.csv"));
    auto both = second_class_probability(dir.file("cv/" + fold + "/heldout_predictions.csv"));
    ASSERT_EQ(both.size(), 12u);
    ASSERT_EQ(m1.size(), 12u);
    double differ = 0;
    for (const auto& [id, p] : both) {
      EXPECT_NEAR(p, 0.5 * (m1.at(id) + m2.at(id)), 2e-6) << fold << " " << id;
      differ = std::max(differ, std::abs(m1.at(id) - m2.at(id)));
    }
    EXPECT_GT(differ, 1e-4) << "the members were trained with the same seed";
  }
  // The fold's held-out AUC is the ensemble's, recomputed by scikit-learn.
  json o = run_oracle("predictions_sklearn.py", {dir.file("cv/fold1/heldout_predictions.csv")});
  EXPECT_NEAR(s["runs"][0]["heldout"]["auc"].get<double>(), o["auc"].get<double>(), 1e-4);  // 6-decimal CSV
  // Member 1 is the model a single-member run trains.
  ASSERT_EQ(run_medcnn({"train", cfg, "--out", dir.file("one"), "--quiet", "train.epochs=1",
                        "cv.members=1"}).exit_code, 0);
  auto single = second_class_probability(dir.file("one/fold1/heldout_predictions.csv"));
  auto member1 = second_class_probability(dir.file("cv/fold1/member1/heldout_predictions.csv"));
  for (const auto& [id, p] : single) EXPECT_NEAR(p, member1.at(id), 1e-6) << id;
  // Bad counts are refused.
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.members=0"}), "cv.members", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.members=2.5"}), "cv.members", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.folds=0"}), "cv.members", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.run_folds=[9]"}),
                    "cv.run_folds", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.inner_val_fraction=0"}),
                    "cv.inner_val_fraction", 5);
  // Refused before anything is written: no run folder, no config.json.
  EXPECT_FALSE(fs::exists(dir.file("bad"))) << "a refused run left a folder behind";
}

TEST(TrainCli, RecipeTestTimeFlipsScoreTheFoldsAndCarryIntoPredict) {
  // evaluate.tta_flips with tta_axes = [1]: each fold's held-out cases are
  // scored on the image and its left-right mirror, and `predict` with the
  // fold's model does the same without being told.
  TempDir dir;
  train_phantom_cv(dir, 24, "folds = 2\n", {"evaluate.tta_flips=true", "evaluate.tta_axes=[1]"});
  auto predict = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args{"predict", "--model", dir.file("cv/fold1/best.pt"), "--data",
                                  dir.file("ph/manifest.csv"), "--out", dir.file(out)};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_medcnn(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return second_class_probability(dir.file(out));
  };
  auto recipe = predict("recipe.csv", {});
  auto mirror = predict("mirror.csv", {"--tta-axes", "1"});
  auto both_axes = predict("both.csv", {"--tta-axes", "0,1"});
  auto heldout = second_class_probability(dir.file("cv/fold1/heldout_predictions.csv"));
  ASSERT_EQ(heldout.size(), 12u);
  for (const auto& [id, p] : heldout) EXPECT_NEAR(p, recipe.at(id), 2e-6) << id;
  double differ = 0;
  for (const auto& [id, p] : recipe) {
    EXPECT_NEAR(p, mirror.at(id), 2e-6) << id;
    differ = std::max(differ, std::abs(p - both_axes.at(id)));
  }
  EXPECT_GT(differ, 1e-5) << "flipping along a second axis changed nothing";
  expect_user_error(run_medcnn({"predict", "--model", dir.file("cv/fold1/best.pt"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("x.csv"),
                                "--tta-axes", "2"}),
                    "tta_axes", 5);
}

TEST(TrainCli, CrossValidationFoldsRunSeparatelyThenJoin) {
  TempDir dir;
  std::string cfg = train_phantom_cv(dir, 24, "folds = 3\n", {"cv.run_folds=[2]"});
  EXPECT_FALSE(fs::exists(dir.file("cv/fold1")));
  EXPECT_FALSE(fs::exists(dir.file("cv/fold3")));
  json s = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 1u);
  EXPECT_EQ(s["runs"][0]["fold"], 2);
  const auto trained = fs::last_write_time(dir.file("cv/fold2/history.csv"));
  // A last run over all folds trains the others and reuses fold 2.
  CommandResult all = run_medcnn({"train", cfg, "--out", dir.file("cv"), "--quiet", "--resume",
                                  "train.epochs=1"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(fs::last_write_time(dir.file("cv/fold2/history.csv")), trained);
  s = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 3u);
  EXPECT_EQ(csv_rows(dir.file("cv/oof_predictions.csv")), 24);
  EXPECT_EQ(read_json(dir.file("cv/ensemble.json"))["members"].size(), 3u);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "cv.run_folds=[4]"}),
                    "cv.run_folds", 5);
}

TEST(TrainCli, MixupTrainsAClassifierEndToEnd) {
  // train.mixup_alpha through the whole command: the run finishes, and its
  // training loss (against the mixed targets) differs from the unmixed run's
  // on the same seed, while config.json records the key.
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", "24"}).exit_code, 0);
  std::string cfg = write_config(dir, dir.file("ph/manifest.csv"), "");
  auto first_loss = [&](const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args{"train", cfg, "--out", dir.file(out), "--quiet", "train.epochs=1"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = run_medcnn(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::ifstream in(dir.file(out + "/history.csv"));
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    std::stringstream cells(row);
    std::string cell;
    for (int i = 0; i < 3; ++i) std::getline(cells, cell, ',');  // epoch, lr, train_loss
    return cell.empty() ? -1.0 : std::stod(cell);
  };
  const double mixed = first_loss("mix", {"train.mixup_alpha=0.4"});
  const double plain = first_loss("plain", {});
  EXPECT_GT(mixed, 0);
  EXPECT_GT(plain, 0);
  EXPECT_NE(mixed, plain);
  EXPECT_EQ(read_json(dir.file("mix/config.json"))["train"]["mixup_alpha"], 0.4);
}

TEST(TrainCli, BadConfigsAndFilesAreClearErrors) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", "10"}).exit_code, 0);
  std::string cfg = write_config(dir, dir.file("ph/manifest.csv"), "");
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "train.epoch=3"}), "train.epoch", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "network.name=resnet19"}), "resnet19", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "train.ema_decay=1"}),
                    "train.ema_decay", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "train.mixup_alpha=-0.2"}),
                    "train.mixup_alpha", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "evaluate.tta_axes=[-1]"}),
                    "evaluate.tta_axes", 5);
  // No validation cases would leave best.pt at the first epoch: refused.
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "data.val_fraction=0"}),
                    "data.val_fraction", 5);
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("o"), "data.source=/nope/x.csv"}),
                    "/nope/x.csv", 2);
  // A predictions file with a broken row: the file and line are named.
  write_text(dir.file("bad.csv"), "id,label,predicted,p_a,p_b\nx,a,a,0.9,0.1\ny,b,b,0.2,zero\n");
  expect_user_error(run_medcnn({"evaluate", "--predictions", dir.file("bad.csv"), "--out", dir.file("e")}),
                    "bad.csv: line 3", 3);
  expect_user_error(run_medcnn({"predict", "--model", dir.file("nothing"), "--data", dir.file("ph/manifest.csv")}),
                    "nothing", 2);
  EXPECT_FALSE(fs::exists(dir.file("e/evaluation.json"))) << "nothing written on error";
}

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
  {  // nothing fetched: the only URL is the SVG namespace of the inline charts
    size_t urls = 0, namespaces = 0;
    for (size_t at = page.find("http"); at != std::string::npos; at = page.find("http", at + 1)) {
      ++urls;
      namespaces += page.compare(at, 26, "http://www.w3.org/2000/svg") == 0;
    }
    EXPECT_EQ(urls, namespaces);
  }
  // ... and the model itself over the same data gives the same numbers.
  CommandResult m = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("eval_model")});
  ASSERT_EQ(m.exit_code, 0) << m.err;
  json em = read_json(dir.file("eval_model/evaluation.json"));
  EXPECT_NEAR(em["summary"]["per_class"][0]["dice"]["mean"].get<double>(), folder_dice, 1e-9);
  // Pixel referral: the most uncertain 10% of pixels hold more errors.
  ASSERT_TRUE(em["uncertainty"].is_object()) << em.dump();
  EXPECT_GE(em["uncertainty"]["referral"]["entropy"]["gain_refer_10"].get<double>(), 0.0);
  {
    std::ifstream f(dir.file("eval_model/report.html"));
    std::string page((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(page.find("id=\"referral\""), std::string::npos);
    EXPECT_NE(page.find("most uncertain pixels"), std::string::npos);
  }
  // Options of classifiers only are refused, naming the option.
  expect_user_error(run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("no"),
                                "--tta-axes", "1"}),
                    "--tta-axes", 5);
  expect_user_error(run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("test/manifest.csv"), "--out", dir.file("no"), "--int8",
                                dir.file("test/manifest.csv")}),
                    "--int8", 5);
  EXPECT_FALSE(fs::exists(dir.file("no")));
  // Uncertainty maps and a segmentation explanation (a class over a region).
  CommandResult pu = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                 dir.file("test/manifest.csv"), "--out", dir.file("umaps"),
                                 "--uncertainty-maps", "--no-probabilities"});
  ASSERT_EQ(pu.exit_code, 0) << pu.err;
  int entropy_maps = 0;
  for (const auto& f : fs::directory_iterator(dir.file("umaps")))
    entropy_maps += f.path().filename().string().find("_entropy.tif") != std::string::npos;
  EXPECT_EQ(entropy_maps, 6);
  CommandResult sx = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                 dir.file("test/manifest.csv"), "--limit", "2", "--layer",
                                 "decoder.0", "--method", "gradcam++", "--out",
                                 dir.file("sexpl")});
  ASSERT_EQ(sx.exit_code, 0) << sx.err;
  EXPECT_EQ(csv_rows(dir.file("sexpl/explanations.csv")), 2);
  // A missing map is an error naming the case.
  fs::remove(dir.file("maps/" + pairs[0]["pred"].get<std::string>().substr(
                                    dir.file("maps/").size())));
  CommandResult bad = run_medcnn({"evaluate", "--predictions", dir.file("maps"), "--data",
                                  dir.file("test/manifest.csv"), "--out", dir.file("eval_bad")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("no label map"), std::string::npos) << bad.err;
}

// cv.inner_val_fraction = 0 with train.keep = "last" (as nnU-Net's "all"
// fold and final checkpoint): each fold trains on every one of its training
// images and keeps the last epoch; only the held-out fold is scored.
TEST(SegmentCli, CrossValidationWithoutValidationTrainsOnEveryCaseAndKeepsTheLastEpoch) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"phantom", dir.file("ph"), "-n", "12", "--size", "32", "--max-radius", "5"}).exit_code, 0);
  write_text(dir.file("s.toml"), seg_config(dir.file("ph/manifest.csv"),
                                            "[cv]\nfolds = 3\ninner_val_fraction = 0\n"));
  // Without train.keep = "last" nothing would choose the epoch: refused,
  // naming both keys, before anything is written.
  CommandResult r = run_medcnn({"train", dir.file("s.toml"), "--out", dir.file("bad")});
  expect_user_error(r, "cv.inner_val_fraction", 5);
  EXPECT_NE(r.err.find("train.keep"), std::string::npos) << r.err;
  expect_user_error(run_medcnn({"train", dir.file("s.toml"), "--out", dir.file("bad"), "train.keep=latest"}),
                    "train.keep", 5);
  expect_user_error(run_medcnn({"train", dir.file("s.toml"), "--out", dir.file("bad"), "train.keep=last",
                                "train.patience=3"}),
                    "train.patience", 5);
  EXPECT_FALSE(fs::exists(dir.file("bad"))) << "a refused run left a folder behind";

  r = run_medcnn({"train", dir.file("s.toml"), "--out", dir.file("cv"), "train.epochs=2",
                  "train.keep=last", "train.monitor=dice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string log = r.out + r.err;
  for (int f = 1; f <= 3; ++f) {
    const std::string fold = dir.file("cv/fold" + std::to_string(f));
    EXPECT_NE(log.find("fold " + std::to_string(f) + "/3 (8 train, 0 val, 4 held out)"), std::string::npos)
        << "fold " << f << " did not train on all 8 of its images:\n" << log;
    EXPECT_FALSE(fs::exists(fold + "/val_evaluation.json")) << "no validation cases, yet scored";
    json held = read_json(fold + "/heldout_evaluation.json");
    EXPECT_EQ(held["cases"].size(), 4u);
    json best = medcnn::read_checkpoint_meta(fold + "/best.pt");
    json last = medcnn::read_checkpoint_meta(fold + "/last.pt");
    EXPECT_EQ(best["epoch"], 2) << "best.pt is not the last epoch";
    EXPECT_EQ(last["train_state"]["best_epoch"], 2);
    EXPECT_EQ(csv_rows(fold + "/history.csv"), 2);
  }
  json s = read_json(dir.file("cv/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 3u);
  EXPECT_TRUE(s["heldout_mean_sd"].contains("dice")) << s.dump();
  EXPECT_TRUE(s["runs"][0]["val"].empty()) << s["runs"][0].dump();
  // A single run with data.val_fraction = 0 trains on all 12; a classifier
  // is still refused, since its decision threshold is chosen on validation.
  r = run_medcnn({"train", dir.file("s.toml"), "--out", dir.file("one"), "--quiet", "cv.folds=0",
                  "data.val_fraction=0", "train.epochs=1", "train.keep=last"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir.file("one/best.pt")));
  EXPECT_FALSE(fs::exists(dir.file("one/val_evaluation.json")));
  ASSERT_EQ(run_medcnn({"phantom", dir.file("cls"), "-n", "10"}).exit_code, 0);
  std::string cfg = write_config(dir, dir.file("cls/manifest.csv"), "");
  expect_user_error(run_medcnn({"train", cfg, "--out", dir.file("bad"), "data.val_fraction=0",
                                "train.keep=last"}),
                    "data.val_fraction", 5);
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
  // Classifier-only test-time flips: a segmentation recipe flips through inferer.flip.
  r = run_medcnn({"train", dir.file("c.toml"), "--out", dir.file("c"), "--quiet",
                  "inferer.overlap=0.25", "evaluate.tta_flips=true"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("inferer.flip"), std::string::npos) << r.err;
  // Mixup mixes class labels only: a segmentation recipe with it is refused.
  r = run_medcnn({"train", dir.file("c.toml"), "--out", dir.file("c"), "--quiet",
                  "inferer.overlap=0.25", "train.mixup_alpha=0.4"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("train.mixup_alpha"), std::string::npos) << r.err;
  // Images without masks cannot train a segmentation: the error says so and
  // names a case; nothing half-written is left as a model.
  write_text(dir.file("nomask.csv"), "id,image\na," + dir.file("ph/images/phantom_0000.png") +
                                         "\nb," + dir.file("ph/images/phantom_0001.png") +
                                         "\nc," + dir.file("ph/images/phantom_0002.png") + "\n");
  write_text(dir.file("d.toml"), "task = \"segmentation\"\n[data]\nsource = \"" +
                                     dir.file("nomask.csv") +
                                     "\"\nval_fraction = 0.34\n[train]\nepochs = 1\n"
                                     "[inferer]\nroi_size = [32, 32]\n");
  r = run_medcnn({"train", dir.file("d.toml"), "--out", dir.file("d"), "--quiet"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("mask"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.file("d/best.pt")));
}

// explain on volumes: a 3-D ResNet-18 whose preprocessing resizes 24^3 to
// 16^3; the Grad-CAM map comes back as NIfTI on the input's own grid
// (size and spacing read by nibabel), and occlusion works in 3-D too.
TEST(ExplainCli, VolumesGetNiftiMapsOnTheInputGrid) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "4", "phantom", dir.file("vol"), "-n", "8", "--dims", "3",
                        "--size", "24", "--min-radius", "2", "--max-radius", "3.5", "--spacing", "1.5"})
                .exit_code, 0);
  write_text(dir.file("v.toml"),
             "task = \"classification\"\nseed = 1\n"
             "[data]\nsource = \"" + dir.file("vol/manifest.csv") + "\"\nval_fraction = 0.25\n"
             "[network]\nname = \"resnet18\"\nwidth = 4\nstem = \"small\"\n"
             "[train]\nepochs = 1\nbatch_size = 4\nworkers = 1\nprecision = \"fp32\"\n"
             "[evaluate]\nbootstrap = 0\n"
             "[[preprocess]]\nname = \"Resize\"\nspatial_size = [16, 16, 16]\n");
  CommandResult t = run_medcnn({"--threads", "2", "train", dir.file("v.toml"), "--out",
                                dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  for (const std::string method : {"gradcam", "occlusion"}) {
    CommandResult x = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                  dir.file("vol/manifest.csv"), "--limit", "1", "--method", method,
                                  "--patch", "6", "--stride", "5", "--out", dir.file(method)});
    ASSERT_EQ(x.exit_code, 0) << x.err;
    EXPECT_NE(x.err.find("interpolated back"), std::string::npos) << x.err;
    std::string map;
    for (const auto& f : fs::directory_iterator(dir.file(method)))
      if (f.path().string().find(".nii.gz") != std::string::npos) map = f.path().string();
    ASSERT_FALSE(map.empty());
    json facts = run_oracle("cli_facts.py", {"nifti", map});
    EXPECT_EQ(facts["size"], json({24, 24, 24})) << facts.dump();
    EXPECT_NEAR(facts["spacing"][0].get<double>(), 1.5, 1e-6) << facts.dump();
  }
}

// Localization through the program: one lesion per phantom, its class and
// box; predict writes boxes (CSV and COCO JSON) that plain Python scores to
// the same mean IoU and centroid error as evaluate.
TEST(LocalizeCli, TrainPredictEvaluateAgreeWithPython) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "6", "phantom", dir.file("ph"), "-n", "48", "--size", "64",
                        "--min-radius", "5", "--max-radius", "9"})
                .exit_code, 0);
  write_text(dir.file("loc.toml"),
             "task = \"localization\"\nseed = 2\n"
             "[data]\nsource = \"" + dir.file("ph/manifest.csv") + "\"\nval_fraction = 0.25\n"
             "[network]\nname = \"resnet18\"\nwidth = 8\nhead_pool = 2\n"
             "[optimizer]\nname = \"adam\"\nlr = 0.003\n"
             "[train]\nepochs = 8\nbatch_size = 8\nrepeats = 3\nworkers = 1\nprecision = \"fp32\"\n"
             "[[preprocess]]\nname = \"ScaleIntensity\"\n"
             "[[augment]]\nname = \"RandFlip\"\nprob = 0.5\nspatial_axis = [1]\n");
  CommandResult t = run_medcnn({"--threads", "2", "train", dir.file("loc.toml"), "--out",
                                dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  json val = read_json(dir.file("run/val_evaluation.json"));
  EXPECT_EQ(val["task"], "localization");
  EXPECT_GE(val["n"].get<int>(), 10);
  // Learned, not memorised: boxes of 10-18 px placed at random in 64x64
  // score far lower. Tiny fp32 runs differ between CPUs (kernel summation
  // order): 0.38 on an Intel Xeon with AMX, above 0.4 on an AMD EPYC.
  EXPECT_GT(val["metrics"]["mean_iou"].get<double>(), 0.3) << val["metrics"].dump();

  CommandResult p = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("boxes.csv")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  CommandResult e = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("eval")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json ev = read_json(dir.file("eval/evaluation.json"));
  json py = run_oracle("localization_boxes.py", {dir.file("boxes.csv"), dir.file("ph/manifest.csv")});
  EXPECT_EQ(py["n"], 48);
  EXPECT_EQ(py["coco_predictions"], 48);
  EXPECT_NEAR(ev["metrics"]["mean_iou"].get<double>(), py["mean_iou"].get<double>(), 1e-4);
  EXPECT_NEAR(ev["metrics"]["mean_centroid_error_px"].get<double>(),
              py["mean_centroid_error_px"].get<double>(), 1e-3);
  // explain refuses a localization model with a clear message (no box target yet)
  CommandResult x = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("expl")});
  EXPECT_NE(x.exit_code, 0);
  EXPECT_NE(x.err.find("localization model"), std::string::npos) << x.err;
  // with two classes, evaluate's accuracy also asks for the right class: at most Python's
  EXPECT_LE(ev["metrics"]["accuracy"].get<double>(), py["accuracy"].get<double>() + 1e-9);

  // Uncertainty: test-time flips (3 samples) average the flipped-back boxes;
  // the CSV carries the class measures and the boxes' spread, and evaluate
  // scores the mean boxes as Python does.
  CommandResult pt = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--out", dir.file("tta.csv"), "--tta"});
  ASSERT_EQ(pt.exit_code, 0) << pt.err;
  {
    std::ifstream f(dir.file("tta.csv"));
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "image,class,xmin,ymin,xmax,ymax,score,entropy,mutual_information,variance,"
                      "box_sd");
  }
  CommandResult et = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--out", dir.file("tta_eval"), "--tta"});
  ASSERT_EQ(et.exit_code, 0) << et.err;
  json evt = read_json(dir.file("tta_eval/evaluation.json"));
  json pyt = run_oracle("localization_boxes.py", {dir.file("tta.csv"), dir.file("ph/manifest.csv")});
  EXPECT_NEAR(evt["metrics"]["mean_iou"].get<double>(), pyt["mean_iou"].get<double>(), 1e-4);
  EXPECT_EQ(evt["uncertainty"]["samples"], 3);
  EXPECT_TRUE(evt["uncertainty"]["referral"].contains("box_sd")) << evt["uncertainty"].dump();
}

// Detection end to end on phantoms (2 lesions at most per image, one class):
// train a small CenterNet, then predict, evaluate and explain; the boxes are
// scored again in Python (detection_numpy.py: pycocotools' COCOeval and the
// CAMELYON16 FROC re-implemented) and the explanations measured with PIL.
TEST(DetectCli, TrainPredictEvaluateExplainAgreeWithPython) {
  TempDir dir;
  ASSERT_EQ(run_medcnn({"--seed", "3", "phantom", dir.file("ph"), "-n", "64", "--size", "64",
                        "--min-lesions", "1", "--max-lesions", "2", "--min-radius", "3",
                        "--max-radius", "5", "--contrast", "0.7", "--malignant-fraction", "0"})
                .exit_code, 0);
  write_text(dir.file("det.toml"),
             "task = \"detection\"\nseed = 2\n"
             "[data]\nsource = \"" + dir.file("ph/manifest.csv") + "\"\nval_fraction = 0.25\n"
             "[network]\nname = \"centernet\"\nwidth = 8\nneck_width = 16\n"
             "[optimizer]\nname = \"adamw\"\nlr = 0.005\n"
             "[train]\nepochs = 10\nbatch_size = 8\nrepeats = 2\nworkers = 1\nprecision = \"fp32\"\n"
             "[[preprocess]]\nname = \"ScaleIntensity\"\n"
             "[[augment]]\nname = \"RandFlip\"\nprob = 0.5\nspatial_axis = [1]\n");
  CommandResult t = run_medcnn({"--threads", "2", "train", dir.file("det.toml"), "--out",
                                dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  json val = read_json(dir.file("run/val_evaluation.json"));
  EXPECT_EQ(val["task"], "detection");
  EXPECT_EQ(val["n"].get<int>(), 16);
  // the phantom target: every lesion found (FROC mean sensitivity >= 0.9)
  EXPECT_GE(val["metrics"]["froc"].get<double>(), 0.9) << val["metrics"].dump();
  EXPECT_GE(val["metrics"]["map50"].get<double>(), 0.8) << val["metrics"].dump();

  CommandResult p = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("out/boxes.csv"),
                                "--score-threshold", "0.01", "--draw", dir.file("pics")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(fs::exists(dir.file("pics/phantom_0000_boxes.png")));
  CommandResult e = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--out", dir.file("eval")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  json ev = read_json(dir.file("eval/evaluation.json"));
  json py = run_oracle("detection_boxes.py", {dir.file("out/boxes.csv"), dir.file("ph/manifest.csv"),
                                              "benign"});
  EXPECT_EQ(py["n"], 64);
  EXPECT_EQ(py["coco_predictions"], py["n_boxes"]);
  for (const char* m : {"map50", "map50_95", "froc"})
    EXPECT_NEAR(ev["metrics"][m].get<double>(), py[m].get<double>(), 1e-9) << m;
  EXPECT_GE(ev["metrics"]["froc"].get<double>(), 0.9);
  // cases.csv: matches at score >= 0.3, as counted in Python
  std::ifstream cases(dir.file("eval/cases.csv"));
  std::string line;
  std::getline(cases, line);
  EXPECT_EQ(line, "id,objects,detections,true_positives,missed,false_positives");
  int tp = 0, missed = 0, fp = 0;
  for (; std::getline(cases, line);) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
    ASSERT_EQ(f.size(), 6u) << line;
    tp += std::stoi(f[3]), missed += std::stoi(f[4]), fp += std::stoi(f[5]);
  }
  EXPECT_EQ(tp, py["tp03"].get<int>());
  EXPECT_EQ(missed, py["missed03"].get<int>());
  EXPECT_EQ(fp, py["fp03"].get<int>());
  std::ifstream html(dir.file("eval/report.html"));
  const std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("data-chart=\"pr\""), std::string::npos);
  EXPECT_NE(page.find("data-chart=\"froc\""), std::string::npos);
  EXPECT_NE(page.find("data:image/png;base64,"), std::string::npos);

  // Uncertainty: test-time flips give three samples per image; their boxes
  // are fused, each with its measures; evaluate's referral section is
  // recomputed in Python from the written boxes (precision of the boxes kept
  // at score >= 0.3, before and after referring the 10% most uncertain).
  CommandResult pt = run_medcnn({"predict", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--out", dir.file("tta/boxes.csv"),
                                 "--score-threshold", "0.01", "--tta"});
  ASSERT_EQ(pt.exit_code, 0) << pt.err;
  {
    std::ifstream f(dir.file("tta/boxes.csv"));
    std::string header;
    std::getline(f, header);
    EXPECT_EQ(header, "image,class,xmin,ymin,xmax,ymax,score,entropy,mutual_information,variance,"
                      "disagreement,box_sd");
  }
  CommandResult et = run_medcnn({"evaluate", "--model", dir.file("run"), "--data",
                                 dir.file("ph/manifest.csv"), "--out", dir.file("tta_eval"), "--tta"});
  ASSERT_EQ(et.exit_code, 0) << et.err;
  json ut = read_json(dir.file("tta_eval/evaluation.json"))["uncertainty"];
  json pyt = run_oracle("detection_boxes.py", {dir.file("tta/boxes.csv"), dir.file("ph/manifest.csv"),
                                               "benign"});
  EXPECT_EQ(ut["samples"], 3);
  EXPECT_LT(pyt["entropy_error"].get<double>(), 1e-6);
  EXPECT_NEAR(ut["accuracy"].get<double>(), pyt["precision03"].get<double>(), 1e-12);
  for (const auto& [name, value] : pyt["refer10"].items())
    EXPECT_NEAR(ut["referral"][name]["accuracy_refer_10"].get<double>(), value.get<double>(), 1e-12)
        << name;
  {
    std::ifstream f(dir.file("tta_eval/report.html"));
    const std::string page((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_NE(page.find("<section id=\"uncertainty\">"), std::string::npos);
    EXPECT_NE(page.find("data-chart=\"referral\""), std::string::npos);
  }

  // explain: LayerCAM (the detector default) of each box at its centre cell
  // puts the map's mass on the lesion, far above chance
  CommandResult x = run_medcnn({"explain", "--model", dir.file("run"), "--data",
                                dir.file("ph/manifest.csv"), "--limit", "4", "--out",
                                dir.file("expl")});
  ASSERT_EQ(x.exit_code, 0) << x.err;
  json r = run_oracle("detection_boxes.py", {"explained", dir.file("expl/explanations.csv"),
                                             dir.file("ph/manifest.csv")});
  ASSERT_GE(r["n"].get<int>(), 4);
  for (const auto& v : r["ratios"]) EXPECT_GT(v.get<double>(), 5.0) << r.dump();
}

// Whole-slide detection end to end: a synthetic pyramidal slide with known
// lesions and a patch set (phantom-slide), a small patch classifier, then
// detect-slide; its FROC is recomputed in Python from the written boxes
// (detection_numpy.py, CAMELYON16's centre-inside rule) and the tissue grid
// checked against the slide's own tissue share.
TEST(DetectSlideCli, PhantomSlideLesionsAreFoundAndScoredLikePython) {
  TempDir dir;
  CommandResult g = run_medcnn({"--seed", "4", "phantom-slide", dir.file("train"), "--width",
                                "2048", "--height", "1536", "--lesions", "6", "--min-radius",
                                "60", "--max-radius", "120", "--patches", "600", "--patch-size",
                                "32"});
  if (g.exit_code != 0 && g.err.find("vips") != std::string::npos)
    GTEST_SKIP() << "vips is needed to write the slide: " << g.err;
  ASSERT_EQ(g.exit_code, 0) << g.err;
  write_text(dir.file("patches.toml"),
             "task = \"classification\"\nseed = 1\n"
             "[data]\nsource = \"" + dir.file("train/patches/manifest.csv") + "\"\nval_fraction = 0.2\n"
             "[network]\nname = \"resnet18\"\nstem = \"small\"\nwidth = 4\n"
             "[optimizer]\nname = \"adamw\"\nlr = 0.005\n"
             "[train]\nepochs = 3\nbatch_size = 32\nworkers = 1\nprecision = \"fp32\"\n"
             "[evaluate]\nbootstrap = 0\n"
             "[[preprocess]]\nname = \"NormalizeIntensity\"\nsubtrahend = 128.0\ndivisor = 64.0\n");
  CommandResult t = run_medcnn({"--threads", "2", "train", dir.file("patches.toml"), "--out",
                                dir.file("model"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  CommandResult s = run_medcnn({"--seed", "5", "phantom-slide", dir.file("test"), "--width", "2048",
                                "--height", "1536", "--lesions", "5", "--min-radius", "60",
                                "--max-radius", "120"});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  CommandResult d = run_medcnn({"--threads", "2", "detect-slide", "--model", dir.file("model"),
                                "--slide", dir.file("test/slide.tif"), "--positive", "lesion",
                                "--patch", "32", "--stride", "32", "--tile", "512",
                                "--threshold", "0.05", "--reference", dir.file("test/lesions.csv"),
                                "--out", dir.file("det"), "--quiet"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  json summary = read_json(dir.file("det/summary.json"));
  EXPECT_EQ(summary["grid"], json({48, 64}));
  EXPECT_GT(summary["background_skipped"].get<double>(), 0.1) << summary.dump();
  EXPECT_EQ(summary["patches_classified"], summary["tissue_cells"]);
  EXPECT_GT(summary["peak_rss_mb"].get<double>(), 0.0);
  json py = run_oracle("slide_detections.py", {dir.file("det/detections.csv"),
                                               dir.file("test/lesions.csv"), dir.file("det/tissue.png")});
  EXPECT_EQ(py["n_lesions"], 5);
  EXPECT_EQ(py["n_detections"], summary["detections"]);
  EXPECT_NEAR(summary["reference"]["froc"].get<double>(), py["froc"].get<double>(), 1e-12);
  // every lesion found at a few false positives
  EXPECT_GE(py["froc"].get<double>(), 0.6) << py.dump();
  // Otsu's tissue cells: about the slide's tissue share (cells need 10% tissue)
  json slide = read_json(dir.file("test/slide.json"));
  EXPECT_NEAR(py["tissue_share"].get<double>(), slide["tissue_fraction"].get<double>(), 0.15)
      << slide.dump();
  // a missing slide is an error naming the file
  CommandResult bad = run_medcnn({"detect-slide", "--model", dir.file("model"), "--slide",
                                  dir.file("missing.tif"), "--out", dir.file("bad")});
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("missing.tif"), std::string::npos) << bad.err;
}
