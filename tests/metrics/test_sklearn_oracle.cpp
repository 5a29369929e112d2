// Every metric against scikit-learn (tests/oracles/metrics_sklearn.py) on
// seeded cases: random scores with ties, perfect and inverted separation,
// 5% positives, 3 and 4 classes, and 4 classes with one class absent.
#include <cmath>

#include "medcnn/metrics/classification_report.h"
#include "medcnn/metrics/confusion.h"
#include "medcnn/metrics/kappa.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/metrics/pr.h"
#include "medcnn/metrics/roc.h"
#include "metrics_cases.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-9;

// The functions of confusion.h, kappa.h, roc.h and pr.h.
void expect_functions_match(const MetricsCase& c, const json& o) {
  ASSERT_FALSE(o.is_null()) << c.name << ": the oracle failed";
  const int k = c.k();
  const Labels pred = c.threshold >= 0 ? predict_threshold(column_of(c.probs, 1), c.threshold)
                                       : predict_argmax(c.probs);
  EXPECT_EQ(json(pred), o["y_pred"]) << c.name;
  const ConfusionMatrix cm = confusion_matrix(c.y, pred, k);
  EXPECT_EQ(json(cm), o["confusion_matrix"]) << c.name;
  expect_same(accuracy(cm), num(o["accuracy"]), kTol, c.name + " accuracy");
  expect_same(balanced_accuracy(cm), num(o["balanced_accuracy"]), kTol,
              c.name + " balanced_accuracy");
  expect_same_vec(per_class_sensitivity(cm), o["recall_per_class"], kTol, c.name + " recall");
  expect_same_vec(per_class_precision(cm), o["precision_per_class"], kTol, c.name + " precision");
  expect_same_vec(per_class_f1(cm), o["f1_per_class"], kTol, c.name + " f1");
  expect_same_vec(per_class_specificity(cm), o["specificity_per_class"], kTol, c.name + " spec");
  expect_same_vec(per_class_npv(cm), o["npv_per_class"], kTol, c.name + " npv");
  expect_same(macro_sensitivity(cm), num(o["recall_macro"]), kTol, c.name + " macro recall");
  expect_same(macro_precision(cm), num(o["precision_macro"]), kTol, c.name + " macro precision");
  expect_same(macro_f1(cm), num(o["f1_macro"]), kTol, c.name + " macro f1");
  expect_same(macro_specificity(cm), num(o["specificity_macro"]), kTol, c.name + " macro spec");
  expect_same(macro_npv(cm), num(o["npv_macro"]), kTol, c.name + " macro npv");
  expect_same(cohen_kappa(c.y, pred, k), num(o["kappa"]), kTol, c.name + " kappa");
  expect_same(cohen_kappa(c.y, pred, k, KappaWeights::Linear), num(o["kappa_linear"]), kTol,
              c.name + " kappa linear");
  expect_same(cohen_kappa(c.y, pred, k, KappaWeights::Quadratic), num(o["kappa_quadratic"]), kTol,
              c.name + " kappa quadratic");

  for (int cls = 0; cls < k; ++cls) {
    const std::string w = c.name + " class " + std::to_string(cls) + " ";
    const json& e = o["ovr"][static_cast<size_t>(cls)];
    const Labels yc = one_vs_rest_labels(c.y, cls);
    const Scores s = column_of(c.probs, static_cast<size_t>(cls));
    const RocCurve roc = roc_curve(yc, s);
    expect_same_vec(roc.fpr, e["roc"]["fpr"], kTol, w + "roc fpr");
    expect_same_vec(roc.tpr, e["roc"]["tpr"], kTol, w + "roc tpr");
    expect_same_vec(roc.thresholds, e["roc"]["thresholds"], kTol, w + "roc thresholds");
    const RocCurve full = roc_curve(yc, s, false);
    expect_same_vec(full.fpr, e["roc_full"]["fpr"], kTol, w + "full roc fpr");
    expect_same_vec(full.tpr, e["roc_full"]["tpr"], kTol, w + "full roc tpr");
    expect_same_vec(full.thresholds, e["roc_full"]["thresholds"], kTol, w + "full roc thresholds");
    const PrCurve pr = precision_recall_curve(yc, s);
    expect_same_vec(pr.precision, e["pr"]["precision"], kTol, w + "pr precision");
    expect_same_vec(pr.recall, e["pr"]["recall"], kTol, w + "pr recall");
    expect_same_vec(pr.thresholds, e["pr"]["thresholds"], kTol, w + "pr thresholds");
    expect_same(roc_auc(yc, s), num(e["auc"]), kTol, w + "auc");
    expect_same(average_precision(yc, s), num(e["ap"]), kTol, w + "average precision");
  }

  if (k == 2) {
    const BinaryCounts b = one_vs_rest(cm, 1);
    expect_same(sensitivity(b), num(o["sensitivity"]), kTol, c.name + " sensitivity");
    expect_same(specificity(b), num(o["specificity"]), kTol, c.name + " specificity");
    expect_same(precision(b), num(o["precision"]), kTol, c.name + " precision");
    expect_same(npv(b), num(o["npv"]), kTol, c.name + " npv");
    expect_same(f1(b), num(o["f1"]), kTol, c.name + " f1");
    expect_same(fpr(b), num(o["fpr"]), kTol, c.name + " fpr");
    expect_same(balanced_accuracy(b), num(o["balanced_accuracy"]), kTol,
                c.name + " bal acc (counts)");
    const Scores s1 = column_of(c.probs, 1);
    expect_same(roc_auc(c.y, s1), num(o["roc_auc"]), kTol, c.name + " roc_auc");
    expect_same(average_precision(c.y, s1), num(o["average_precision"]), kTol, c.name + " AP");
    EXPECT_DOUBLE_EQ(youden_threshold(c.y, s1), o["youden_threshold"].get<double>()) << c.name;
    EXPECT_DOUBLE_EQ(sensitivity_threshold(c.y, s1, 0.9), o["sensitivity_threshold"].get<double>())
        << c.name;
  } else {
    expect_same(roc_auc_ovr_macro(c.y, c.probs), num(o["roc_auc_ovr_macro"]), kTol,
                c.name + " ovr macro auc");
    if (o.contains("average_precision_macro"))
      expect_same(average_precision_ovr_macro(c.y, c.probs), num(o["average_precision_macro"]),
                  kTol, c.name + " macro AP");
    else
      EXPECT_TRUE(std::isnan(average_precision_ovr_macro(c.y, c.probs))) << c.name;
  }
}

// The report (without bootstrap) holds the same numbers.
void expect_report_matches(const MetricsCase& c, const json& o) {
  ASSERT_FALSE(o.is_null());
  const int k = c.k();
  ReportOptions opt;
  opt.bootstrap = 0;
  if (c.threshold >= 0) opt.rule = DecisionRule::fixed(c.threshold);
  std::vector<std::string> names;
  for (int i = 0; i < k; ++i) names.push_back("c" + std::to_string(i));
  const json r = classification_report(c.y, c.probs, names, opt);
  const std::string w = c.name + " report ";
  EXPECT_EQ(r["task"], "classification");
  EXPECT_EQ(r["classes"], json(names));
  EXPECT_EQ(r["n"], c.y.size());
  EXPECT_EQ(r["confusion_matrix"], o["confusion_matrix"]) << w;
  const json& m = r["metrics"];
  for (const auto& name : report_metric_names()) {
    ASSERT_TRUE(m.contains(name)) << w << name;
    EXPECT_TRUE(m[name]["ci95"].is_null()) << w << name;
  }
  expect_same(num(m["accuracy"]["value"]), num(o["accuracy"]), kTol, w + "accuracy");
  expect_same(num(m["balanced_accuracy"]["value"]), num(o["balanced_accuracy"]), kTol,
              w + "balanced_accuracy");
  for (const char* kname : {"kappa", "kappa_linear", "kappa_quadratic"})
    expect_same(num(m[kname]["value"]), num(o[kname]), kTol, w + kname);
  int64_t total = 0;
  for (int i = 0; i < k; ++i) {
    const json& pc = r["per_class"][static_cast<size_t>(i)];
    const json& e = o["ovr"][static_cast<size_t>(i)];
    const std::string wc = w + "class " + std::to_string(i) + " ";
    EXPECT_EQ(pc["class"], names[static_cast<size_t>(i)]);
    EXPECT_EQ(pc["support"], r["class_counts"][static_cast<size_t>(i)]);
    total += pc["support"].get<int64_t>();
    expect_same(num(pc["auc"]), num(e["auc"]), kTol, wc + "auc");
    expect_same(num(pc["average_precision"]), num(e["ap"]), kTol, wc + "AP");
    expect_same(num(pc["sensitivity"]), num(o["recall_per_class"][static_cast<size_t>(i)]), kTol,
                wc + "sensitivity");
    expect_same(num(pc["specificity"]), num(o["specificity_per_class"][static_cast<size_t>(i)]),
                kTol, wc + "spec");
    expect_same(num(pc["precision"]), num(o["precision_per_class"][static_cast<size_t>(i)]), kTol,
                wc + "precision");
    expect_same(num(pc["f1"]), num(o["f1_per_class"][static_cast<size_t>(i)]), kTol, wc + "f1");
    expect_same_json(pc["roc"]["fpr"], e["roc"]["fpr"], kTol, wc + "roc fpr");
    expect_same_json(pc["roc"]["tpr"], e["roc"]["tpr"], kTol, wc + "roc tpr");
    expect_same_json(pc["roc"]["thresholds"], e["roc"]["thresholds"], kTol, wc + "roc thresholds");
    expect_same_json(pc["pr"]["precision"], e["pr"]["precision"], kTol, wc + "pr precision");
    expect_same_json(pc["pr"]["recall"], e["pr"]["recall"], kTol, wc + "pr recall");
    expect_same_json(pc["pr"]["thresholds"], e["pr"]["thresholds"], kTol, wc + "pr thresholds");
  }
  EXPECT_EQ(total, static_cast<int64_t>(c.y.size()));
  if (k == 2) {
    EXPECT_EQ(r["positive_class"], 1);
    EXPECT_DOUBLE_EQ(r["threshold"].get<double>(), c.threshold >= 0 ? c.threshold : 0.5);
    EXPECT_EQ(r["threshold_rule"], c.threshold >= 0 ? "fixed" : "argmax");
    for (const char* name : {"sensitivity", "specificity", "precision", "npv", "f1", "fpr"})
      expect_same(num(m[name]["value"]), num(o[name]), kTol, w + name);
    expect_same(num(m["auc"]["value"]), num(o["roc_auc"]), kTol, w + "auc");
    expect_same(num(m["average_precision"]["value"]), num(o["average_precision"]), kTol, w + "AP");
    const json& e1 = o["ovr"][1];
    expect_same_json(r["roc"]["fpr"], e1["roc"]["fpr"], kTol, w + "roc fpr");
    expect_same_json(r["roc"]["tpr"], e1["roc"]["tpr"], kTol, w + "roc tpr");
    expect_same_json(r["roc"]["thresholds"], e1["roc"]["thresholds"], kTol, w + "roc thresholds");
    expect_same_json(r["pr"]["precision"], e1["pr"]["precision"], kTol, w + "pr precision");
    expect_same_json(r["pr"]["recall"], e1["pr"]["recall"], kTol, w + "pr recall");
  } else {
    EXPECT_FALSE(r.contains("threshold"));
    EXPECT_FALSE(r.contains("positive_class"));
    EXPECT_EQ(r["threshold_rule"], "argmax");
    expect_same(num(m["sensitivity"]["value"]), num(o["recall_macro"]), kTol, w + "macro sens");
    expect_same(num(m["precision"]["value"]), num(o["precision_macro"]), kTol, w + "macro prec");
    expect_same(num(m["f1"]["value"]), num(o["f1_macro"]), kTol, w + "macro f1");
    expect_same(num(m["specificity"]["value"]), num(o["specificity_macro"]), kTol,
                w + "macro spec");
    expect_same(num(m["auc"]["value"]), num(o["roc_auc_ovr_macro"]), kTol, w + "macro auc");
    if (o.contains("average_precision_macro"))
      expect_same(num(m["average_precision"]["value"]), num(o["average_precision_macro"]), kTol,
                  w + "macro AP");
    if (o["roc_auc_ovr_macro"].is_null()) {
      EXPECT_TRUE(m["auc"]["value"].is_null());
      EXPECT_TRUE(m["auc"].contains("note")) << "an undefined metric says why";
    }
  }
}

void check_case(const MetricsCase& c) {
  TempDir dir;
  const json o = sklearn_oracle(c, dir);
  expect_functions_match(c, o);
  expect_report_matches(c, o);
}

}  // namespace

TEST(MetricsSklearn, BinaryRandomScoresWithTies) { check_case(binary_ties(240, 1, 0.5)); }

TEST(MetricsSklearn, BinaryTiesArgmaxDecision) { check_case(binary_ties(97, 2, -1)); }

TEST(MetricsSklearn, BinaryPerfectSeparation) { check_case(binary_separated(60, 3, false)); }

TEST(MetricsSklearn, BinaryInverted) { check_case(binary_separated(60, 4, true)); }

TEST(MetricsSklearn, BinaryImbalancedFivePercent) { check_case(binary_imbalanced(400, 5, 0.3)); }

TEST(MetricsSklearn, ThreeClasses) { check_case(multiclass(150, 6, {1.0, 1.0, 1.0})); }

TEST(MetricsSklearn, FourClassesImbalanced) { check_case(multiclass(200, 7, {4, 2, 1, 0.5})); }

TEST(MetricsSklearn, FourClassesOneAbsentFromTruth) {
  // Class 2 never occurs in y_true: sklearn's OvR AUC raises; medcnn gives null with a note.
  check_case(multiclass(120, 8, {1, 1, 0, 1}));
}
