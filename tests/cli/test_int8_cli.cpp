// `medcnn predict --int8`: a classifier trained on the real BreastMNIST train
// split (shortened recipe), then the val split, which it never saw, predicted
// by the float model and by the int8 model calibrated on the train split.
// scikit-learn scores both written CSVs: the int8 model must keep the AUC and
// nearly every decision. Bad uses are refused with a message naming --int8.
#include <nlohmann/json.hpp>

#include "test_support.h"

using medcnn::test::CommandResult;
using medcnn::test::run_medcnn;
using medcnn::test::run_oracle;
using medcnn::test::TempDir;
using nlohmann::json;

TEST(Int8Cli, BreastMnistKeepsItsAucOnUnseenCases) {
  MEDCNN_REQUIRE_DATA(data, "medmnist/breastmnist_trainval.npz");
  TempDir dir;
  // The shipped recipe on the train split only (one model, 12 epochs), the
  // epoch picked on an inner 15% of it.
  CommandResult t = run_medcnn(
      {"--threads", "2", "train",
       medcnn::test::source_dir() + "/configs/breastmnist_resnet18.toml", "data.source=" + data,
       "data.splits=[\"train\"]", "cv.folds=0", "cv.members=1", "train.epochs=12", "--out",
       dir.file("run"), "--quiet"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  const std::vector<std::string> common{"predict", "--model", dir.file("run"), "--data", data,
                                        "--split", "val"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = common;
    args.insert(args.end(), extra.begin(), extra.end());
    return run_medcnn(args);
  };
  CommandResult f = with({"--out", dir.file("float.csv")});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  CommandResult q = with({"--out", dir.file("int8.csv"), "--int8", data, "--int8-split", "train"});
  ASSERT_EQ(q.exit_code, 0) << q.err;
  EXPECT_EQ(q.err.find("runs at level"), std::string::npos) << "int8 fell back: " << q.err;

  const json c = run_oracle("predictions_compare.py", {dir.file("float.csv"), dir.file("int8.csv")});
  ASSERT_EQ(c["n"], 78);
  // The float model is a real classifier (the full recipe reaches 0.88 in CV)...
  EXPECT_GT(c["auc_a"].get<double>(), 0.75);
  // ...and int8 keeps its ranking and its decisions.
  EXPECT_NEAR(c["auc_b"].get<double>(), c["auc_a"].get<double>(), 0.01);
  EXPECT_GE(c["agreement"].get<double>(), 74.0 / 78.0);
  EXPECT_LT(c["mean_abs_diff"].get<double>(), 0.03);
  // The probabilities did change: this is not the float model again.
  EXPECT_GT(c["max_abs_diff"].get<double>(), 1e-6);
  std::cout << "[ int8     ] float AUC " << c["auc_a"] << ", int8 AUC " << c["auc_b"]
            << ", agreement " << c["agreement"] << ", max |dp| " << c["max_abs_diff"]
            << ", mean |dp| " << c["mean_abs_diff"] << "\n";

  // Refused: int8 with Monte-Carlo passes, and a calibration file that does not exist.
  auto refused = [](const CommandResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_LT(r.exit_code, 64) << "crash or internal error: " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  refused(with({"--out", dir.file("x.csv"), "--int8", data, "--int8-split", "train",
                "--mc-samples", "4"}),
          "int8");
  refused(with({"--out", dir.file("y.csv"), "--int8", dir.file("missing.npz")}), "missing.npz");
}
