// classification_report: schema, notes on undefined metrics and zero
// division, rules. (Its numbers are compared with scikit-learn in
// test_sklearn_oracle.cpp.)
#include "medcnn/metrics/classification_report.h"
#include "metrics_cases.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

TEST(MetricsReport, BinarySchema) {
  const MetricsCase c = binary_ties(80, 51, 0.5);
  ReportOptions o;
  o.rule = {"youden", 0.45};
  o.bootstrap = 50;
  const json r = classification_report(c.y, c.probs, {"benign", "malignant"}, o);
  for (const char* key :
       {"task", "classes", "n", "class_counts", "positive_class", "threshold", "threshold_rule",
        "metrics", "confusion_matrix", "roc", "pr", "per_class"})
    EXPECT_TRUE(r.contains(key)) << key;
  EXPECT_EQ(r["threshold_rule"], "youden");
  EXPECT_DOUBLE_EQ(r["threshold"].get<double>(), 0.45);
  EXPECT_EQ(r["classes"], json({"benign", "malignant"}));
  EXPECT_EQ(r["per_class"].size(), 2u);
  for (const json& pc : r["per_class"])
    for (const char* key : {"class", "auc", "average_precision", "sensitivity", "specificity",
                            "precision", "f1", "support", "roc", "pr"})
      EXPECT_TRUE(pc.contains(key)) << key;
  EXPECT_EQ(r["metrics"].size(), 13u);
  // Counts add up: the confusion matrix holds every case once.
  int64_t total = 0;
  for (const auto& row : r["confusion_matrix"])
    for (const auto& v : row) total += v.get<int64_t>();
  EXPECT_EQ(total, 80);
  // The ROC starts at (0, 0) and ends at (1, 1).
  EXPECT_EQ(r["roc"]["fpr"][0], 0.0);
  EXPECT_EQ(r["roc"]["tpr"].back(), 1.0);
  EXPECT_EQ(r["pr"]["recall"].back(), 0.0);
  EXPECT_EQ(r["pr"]["thresholds"].size() + 1, r["pr"]["precision"].size());
}

TEST(MetricsReport, OneClassPresentGivesNullsWithNotes) {
  const Labels y = {1, 1, 1, 1};
  const Probabilities p = {{0.2, 0.8}, {0.6, 0.4}, {0.3, 0.7}, {0.1, 0.9}};
  ReportOptions o;
  o.bootstrap = 20;
  const json r = classification_report(y, p, {}, o);
  const json& auc = r["metrics"]["auc"];
  EXPECT_TRUE(auc["value"].is_null());
  EXPECT_NE(auc["note"].get<std::string>().find("one class"), std::string::npos);
  EXPECT_TRUE(auc["ci95"].is_null());
  EXPECT_EQ(auc["bootstrap_skipped"], 20);
  EXPECT_DOUBLE_EQ(r["metrics"]["accuracy"]["value"].get<double>(), 0.75);
  EXPECT_DOUBLE_EQ(r["metrics"]["sensitivity"]["value"].get<double>(), 0.75);
  // No negatives: specificity is 0 by zero division, with a note.
  EXPECT_EQ(r["metrics"]["specificity"]["value"], 0.0);
  EXPECT_TRUE(r["metrics"]["specificity"].contains("note"));
  EXPECT_TRUE(r["metrics"]["specificity"]["ci95"].is_null());  // every resample undefined
  EXPECT_TRUE(r["per_class"][0]["auc"].is_null());
  EXPECT_TRUE(r["per_class"][0].contains("note"));
  EXPECT_EQ(r["class_counts"], json({0, 4}));
  EXPECT_EQ(r["classes"], json({"0", "1"}));
}

TEST(MetricsReport, NoPredictedPositivesIsZeroDivision) {
  const MetricsCase c = binary_ties(60, 52, 2.0);  // threshold above every probability
  ReportOptions o;
  o.rule = DecisionRule::fixed(2.0);
  o.bootstrap = 0;
  const json r = classification_report(c.y, c.probs, {}, o);
  const json& prec = r["metrics"]["precision"];
  EXPECT_EQ(prec["value"], 0.0);
  EXPECT_NE(prec["note"].get<std::string>().find("zero division"), std::string::npos);
  EXPECT_EQ(r["metrics"]["sensitivity"]["value"], 0.0);
  EXPECT_FALSE(r["metrics"]["sensitivity"].contains("note"));  // 0/P is defined
  EXPECT_DOUBLE_EQ(r["metrics"]["specificity"]["value"].get<double>(), 1.0);
}

TEST(MetricsReport, MulticlassSchema) {
  const MetricsCase c = multiclass(90, 53, {1, 1, 1});
  ReportOptions o;
  o.bootstrap = 30;
  const json r = classification_report(c.y, c.probs, {"a", "b", "c"}, o);
  EXPECT_EQ(r["threshold_rule"], "argmax");
  EXPECT_FALSE(r.contains("threshold"));
  EXPECT_FALSE(r.contains("roc"));
  EXPECT_EQ(r["per_class"].size(), 3u);
  EXPECT_EQ(r["confusion_matrix"].size(), 3u);
  EXPECT_TRUE(r["metrics"]["auc"]["ci95"].is_array());
  EXPECT_EQ(r["per_class"][2]["class"], "c");
}
