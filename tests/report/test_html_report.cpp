// The HTML classification report, checked by tests/oracles/report_check.py
// (Python standard library only): valid SVG, self-contained page, ROC/PR
// polylines that map back to the JSON curves, confusion-matrix cells, the
// metrics table and the training curves. The evaluations are worked by hand:
// 10 cases with scores 0.9, 0.8, ..., 0.1 (see binary_evaluation), and a
// 3-class set.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_report.h"
#include "test_support.h"

using namespace medcnn;
using medcnn::test::TempDir;
using medcnn::test::write_text;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Labels 1 1 0 1 0 1 0 0 1 0 for scores 0.9 0.8 0.7 0.6 0.55 0.5 0.4 0.3 0.2 0.1.
// At threshold 0.5: TP 4, FP 2, FN 1, TN 3 -> sensitivity 0.8, specificity
// 0.6, precision 4/6, accuracy 0.7, F1 8/11, kappa (0.7 - 0.5) / 0.5 = 0.4.
// AUC: 18 of the 25 (positive, negative) pairs ranked right = 0.72.
json binary_evaluation() {
  auto m = [](double v, double lo, double hi) { return json{{"value", v}, {"ci95", {lo, hi}}}; };
  return json{
      {"task", "classification"},
      {"classes", {"benign", "malignant"}},
      {"n", 10},
      {"class_counts", {5, 5}},
      {"positive_class", 1},
      {"threshold", 0.5},
      {"threshold_rule", "youden"},
      {"metrics",
       {{"accuracy", m(0.7, 0.4, 0.9)},
        {"auc", m(0.72, 0.38, 1.0)},
        {"average_precision", m(0.79444444, 0.5, 1.0)},
        {"sensitivity", m(0.8, 0.4, 1.0)},
        {"specificity", m(0.6, 0.2, 1.0)},
        {"precision", m(0.66666667, 0.3, 1.0)},
        {"npv", {{"value", nullptr}, {"ci95", nullptr}}},
        {"f1", {{"value", 0.72727273}}},
        {"balanced_accuracy", m(0.7, 0.4, 0.9)},
        {"fpr", m(0.4, 0.0, 0.8)},
        {"kappa", m(0.4, -0.2, 0.8)},
        {"kappa_linear", nullptr},
        {"brier", 0.21}}},
      {"confusion_matrix", {{3, 2}, {1, 4}}},
      {"roc",
       {{"fpr", {0, 0, 0, 0.2, 0.2, 0.4, 0.4, 0.6, 0.8, 0.8, 1}},
        {"tpr", {0, 0.2, 0.4, 0.4, 0.6, 0.6, 0.8, 0.8, 0.8, 1, 1}},
        {"thresholds", {nullptr, 0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}}}},
      {"pr",
       {{"recall", {1, 0.8, 0.8, 0.8, 0.6, 0.6, 0.4, 0.4, 0.2, 0}},
        {"precision", {5.0 / 9, 0.5, 4.0 / 7, 4.0 / 6, 0.6, 0.75, 2.0 / 3, 1, 1, 1}},
        {"thresholds", {0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 0.9}}}},
      {"per_class",
       {{{"class", "benign"}, {"auc", 0.72}, {"sensitivity", 0.6}, {"specificity", 0.8},
         {"precision", 0.75}, {"f1", 0.66666667}, {"support", 5}},
        {{"class", "malignant"}, {"auc", 0.72}, {"sensitivity", 0.8}, {"specificity", 0.6},
         {"precision", 0.66666667}, {"f1", 0.72727273}, {"support", 5}}}}};
}

const char* kName = "a<b & \"c\"";

json multiclass_evaluation() {
  auto pc = [](const std::string& name, double auc, double ap, int support, json roc, json pr) {
    return json{{"class", name}, {"auc", auc}, {"average_precision", ap}, {"support", support},
                {"roc", roc}, {"pr", pr}};
  };
  return json{
      {"task", "classification"},
      {"classes", {"normal", kName, "tumour"}},
      {"n", 16},
      {"class_counts", {6, 5, 5}},
      {"threshold_rule", "argmax"},
      {"metrics", {{"accuracy", {{"value", 0.75}, {"ci95", {0.5, 0.9375}}}},
                   {"kappa_quadratic", {{"value", 0.8}}}}},
      {"confusion_matrix", {{5, 1, 0}, {1, 3, 1}, {0, 1, 4}}},
      {"per_class",
       {pc("normal", 0.9, 0.85, 6, {{"fpr", {0, 0, 0.1, 0.3, 1}}, {"tpr", {0, 0.5, 0.8333, 1, 1}}},
           {{"recall", {1, 0.8333, 0.5, 0}}, {"precision", {0.6667, 0.8333, 1, 1}}}),
        pc(kName, 0.7, 0.6, 5, {{"fpr", {0, 0.1818, 0.3636, 1}}, {"tpr", {0, 0.6, 0.8, 1}}},
           {{"recall", {0, 0.6, 1}}, {"precision", {1, 0.6, 0.3125}}}),  // increasing recall
        pc("tumour", 0.95, 0.9, 5, {{"fpr", {0, 0, 0.0909, 1}}, {"tpr", {0, 0.8, 1, 1}}},
           {{"recall", {1, 0.8, 0}}, {"precision", {0.8333, 1, 1}}})}}};
}

const char* kHistory =
    "epoch,lr,train_loss,val_loss,val_auc,val_accuracy\n"
    "1,0.001,0.69,0.70,0.55,0.5\n"
    "2,0.0008,0.55,0.62,,0.6\n"
    "3,0.0005,0.45,0.58,0.68,0.65\n"
    "4,0.0002,0.40,0.60,0.70,0.7\n"
    "5,0.0001,0.38,0.61,,0.7\n";

// Renders, writes the page and the inputs to dir, runs the oracle.
json check(const TempDir& dir, const json& ev, const std::string& history_csv,
           std::string* html_out = nullptr) {
  std::vector<TrainingRecord> history;
  std::vector<std::string> args = {dir.file("report.html"), dir.file("evaluation.json")};
  if (!history_csv.empty()) {
    write_text(dir.file("metrics.csv"), history_csv);
    history = read_training_history(dir.file("metrics.csv"));
    args.push_back(dir.file("metrics.csv"));
  }
  write_text(dir.file("evaluation.json"), ev.dump(2));
  HtmlReportOptions opt;
  opt.title = "Run <1> & co";
  opt.description = {{"network", "resnet18"}, {"data", "breast \"mnist\""}};
  write_classification_report(dir.file("report.html"), ev, history, opt);
  if (html_out) *html_out = read_file(dir.file("report.html"));
  return test::run_oracle("report_check.py", args);
}

void expect_no_errors(const json& r) {
  ASSERT_TRUE(r.is_object()) << r.dump();
  EXPECT_TRUE(r["errors"].empty()) << r["errors"].dump(2);
}

std::string format_error(const json& ev) {
  try {
    render_classification_report(ev);
  } catch (const FormatError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(HtmlReport, BinaryReportMatchesTheEvaluationAndHistory) {
  TempDir dir;
  std::string html;
  json r = check(dir, binary_evaluation(), kHistory, &html);
  expect_no_errors(r);
  const json& c = r["counts"];
  EXPECT_EQ(c["svg"], 6);             // ROC, PR, confusion, losses, metrics, lr
  EXPECT_EQ(c["roc_series"], 1);
  EXPECT_EQ(c["roc_points"], 11);     // every fpr/tpr pair, mapped back
  EXPECT_EQ(c["operating_point"], 1); // at (fpr 0.4, sensitivity 0.8)
  EXPECT_EQ(c["pr_points"], 10);
  EXPECT_EQ(c["pr_baselines"], 1);    // prevalence 0.5
  EXPECT_EQ(c["cm_cells"], 4);
  EXPECT_EQ(c["metrics_rows"], 13);
  EXPECT_EQ(c["per_class_values"], 12);
  EXPECT_EQ(c["training_series"], 5); // lr, train_loss, val_loss, val_auc, val_accuracy
  // Title and description escaped; the rule explained.
  EXPECT_NE(html.find("<h1>Run &lt;1&gt; &amp; co</h1>"), std::string::npos);
  EXPECT_NE(html.find("breast &quot;mnist&quot;"), std::string::npos);
  EXPECT_NE(html.find("Youden"), std::string::npos);
}

TEST(HtmlReport, MultiClassReportDrawsOneCurvePerClassAndEscapesNames) {
  TempDir dir;
  std::string html;
  json r = check(dir, multiclass_evaluation(), "", &html);
  expect_no_errors(r);
  const json& c = r["counts"];
  EXPECT_EQ(c["svg"], 3);
  EXPECT_EQ(c["roc_series"], 3);
  EXPECT_EQ(c["roc_points"], 5 + 4 + 4);
  EXPECT_EQ(c["pr_points"], 4 + 3 + 3);
  EXPECT_EQ(c["pr_baselines"], 3);
  EXPECT_EQ(c["cm_cells"], 9);
  EXPECT_EQ(c["metrics_rows"], 2);
  EXPECT_EQ(c["training_series"], 0);
  EXPECT_FALSE(c.contains("operating_point"));
  EXPECT_EQ(html.find(kName), std::string::npos);
  EXPECT_NE(html.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);
  EXPECT_NE(html.find("No training history"), std::string::npos);
}

TEST(HtmlReport, MinimalEvaluationOmitsMissingPanels) {
  TempDir dir;
  json ev = {{"classes", {"x", "y"}}, {"confusion_matrix", {{2, 0}, {1, 1}}}, {"roc", nullptr}};
  std::string html;
  json r = check(dir, ev, "", &html);
  expect_no_errors(r);
  EXPECT_EQ(r["counts"]["svg"], 1);  // the confusion matrix only
  EXPECT_EQ(html.find("data-chart=\"roc\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"metrics\""), std::string::npos);
}

TEST(HtmlReport, WrongTypesAreFormatErrorsNamingTheKey) {
  json ev = binary_evaluation();
  ev.erase("classes");
  EXPECT_NE(format_error(ev).find("evaluation.classes"), std::string::npos);
  ev = binary_evaluation();
  ev["classes"] = "benign,malignant";
  EXPECT_NE(format_error(ev).find("evaluation.classes"), std::string::npos);
  ev = binary_evaluation();
  ev["confusion_matrix"] = {{1, 2, 3}, {4, 5, 6}};
  EXPECT_NE(format_error(ev).find("evaluation.confusion_matrix[0]"), std::string::npos);
  ev = binary_evaluation();
  ev["confusion_matrix"] = 7;
  EXPECT_NE(format_error(ev).find("evaluation.confusion_matrix"), std::string::npos);
  ev = binary_evaluation();
  ev["roc"]["tpr"] = {0, 1};
  EXPECT_NE(format_error(ev).find("evaluation.roc"), std::string::npos);
  ev = binary_evaluation();
  ev["roc"]["fpr"][3] = "x";
  EXPECT_NE(format_error(ev).find("evaluation.roc.fpr"), std::string::npos);
  ev = binary_evaluation();
  ev["task"] = "segmentation";
  EXPECT_NE(format_error(ev).find("evaluation.task"), std::string::npos);
  EXPECT_NE(format_error(json::array()).find("evaluation"), std::string::npos);
}

TEST(HtmlReport, AtomicWriteLeavesOnlyTheReport) {
  TempDir dir;
  const std::string path = dir.file("report.html");
  write_classification_report(path, binary_evaluation());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, std::vector<std::string>{"report.html"});
  EXPECT_EQ(read_file(path), render_classification_report(binary_evaluation()));
  // A folder that does not exist: IoError, and nothing is left behind.
  EXPECT_THROW(write_classification_report(dir.file("no/such/report.html"), binary_evaluation()),
               IoError);
  EXPECT_FALSE(fs::exists(dir.file("no")));
}
