// The shipped MedMNIST classification recipes through the program on the
// real files (../shared/data/medmnist), shortened to a few epochs: each
// config resolves, reads its data set and cross-validates end to end, with
// every volume scored once out of fold and the folds' AUC recomputed by
// scikit-learn from the written predictions. The full recipes and their
// numbers are in docs/benchmarks.md.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "test_support.h"

using medcnn::test::CommandResult;
using medcnn::test::read_json;
using medcnn::test::run_medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using nlohmann::json;

namespace {

std::set<std::string> first_column(const std::string& path, int* rows) {
  std::ifstream f(path);
  std::string line;
  std::getline(f, line);
  std::set<std::string> ids;
  *rows = 0;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    ++*rows;
    ids.insert(line.substr(0, line.find(',')));
  }
  return ids;
}

}  // namespace

TEST(RecipesCli, AdrenalMnist3d64CrossValidatesEndToEnd) {
  MEDCNN_REQUIRE_DATA(data, "medmnist/adrenalmnist3d_64_trainval.npz");
  TempDir dir;
  // The shipped 64^3 recipe with 2 folds of 1 member and 5 epochs.
  CommandResult t = run_medcnn(
      {"--threads", "2", "train",
       medcnn::test::source_dir() + "/configs/adrenalmnist3d_64_resnet18.toml",
       "data.source=" + data, "cv.folds=2", "cv.members=1", "train.epochs=5", "--out",
       dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const json cfg = read_json(dir.file("run/config.json"));
  EXPECT_EQ(cfg["network"]["spatial_dims"], 3);
  // Every one of the 1286 train + val volumes is held out exactly once.
  int rows = 0;
  EXPECT_EQ(first_column(dir.file("run/oof_predictions.csv"), &rows).size(), 1286u);
  EXPECT_EQ(rows, 1286);
  const json s = read_json(dir.file("run/cv_summary.json"));
  ASSERT_EQ(s["runs"].size(), 2u);
  for (int f = 1; f <= 2; ++f) {
    const json o = run_oracle("predictions_sklearn.py",
                              {dir.file("run/fold" + std::to_string(f) + "/heldout_predictions.csv")});
    const double auc = s["runs"][f - 1]["heldout"]["auc"].get<double>();
    // The CSV keeps 6 decimals, which can tie or swap close cases.
    EXPECT_NEAR(auc, o["auc"].get<double>(), 1e-4) << "fold " << f;
    // Five epochs already rank masses above normal glands (chance is 0.5;
    // the full recipe reaches 0.86).
    EXPECT_GT(auc, 0.7) << "fold " << f;
  }
}
