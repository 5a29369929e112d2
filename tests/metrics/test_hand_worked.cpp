// Metrics on small cases worked out by hand (values in the comments), and
// scikit-learn's documented examples for the curves.
#include <cmath>

#include "medcnn/metrics/confusion.h"
#include "medcnn/metrics/kappa.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/metrics/pr.h"
#include "medcnn/metrics/registry.h"
#include "medcnn/metrics/roc.h"
#include "metrics_cases.h"

using namespace medcnn;

TEST(MetricsHand, TwoByTwoConfusion) {
  // TP = 3, FN = 1, FP = 1, TN = 5.
  const Labels y = {1, 1, 1, 1, 0, 0, 0, 0, 0, 0};
  const Labels p = {1, 1, 1, 0, 1, 0, 0, 0, 0, 0};
  const ConfusionMatrix cm = confusion_matrix(y, p, 2);
  EXPECT_EQ(cm, (ConfusionMatrix{{5, 1}, {1, 3}}));
  const BinaryCounts b = one_vs_rest(cm, 1);
  EXPECT_EQ(b.tp, 3);
  EXPECT_EQ(b.fn, 1);
  EXPECT_EQ(b.fp, 1);
  EXPECT_EQ(b.tn, 5);
  EXPECT_DOUBLE_EQ(accuracy(cm), 0.8);
  EXPECT_DOUBLE_EQ(accuracy(b), 0.8);
  EXPECT_DOUBLE_EQ(sensitivity(b), 0.75);       // 3/4
  EXPECT_DOUBLE_EQ(specificity(b), 5.0 / 6.0);  // 5/6
  EXPECT_DOUBLE_EQ(precision(b), 0.75);         // 3/4
  EXPECT_DOUBLE_EQ(npv(b), 5.0 / 6.0);          // 5/6
  EXPECT_DOUBLE_EQ(f1(b), 0.75);                // 2*3 / (6 + 1 + 1)
  EXPECT_DOUBLE_EQ(fpr(b), 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(balanced_accuracy(b), 19.0 / 24.0);  // (3/4 + 5/6) / 2
  EXPECT_DOUBLE_EQ(balanced_accuracy(cm), 19.0 / 24.0);
  // p_o = 0.8, p_e = (6*6 + 4*4)/100 = 0.52, kappa = 0.28/0.48 = 7/12.
  EXPECT_NEAR(cohen_kappa(y, p, 2), 7.0 / 12.0, 1e-12);
}

TEST(MetricsHand, ZeroDivisionIsZero) {
  // No positives in y_true and none predicted: TP = FP = FN = 0, TN = 4.
  const Labels y = {0, 0, 0, 0};
  const BinaryCounts b = one_vs_rest(confusion_matrix(y, y, 2), 1);
  EXPECT_EQ(sensitivity(b), 0.0);
  EXPECT_EQ(precision(b), 0.0);
  EXPECT_EQ(f1(b), 0.0);
  EXPECT_EQ(specificity(b), 1.0);
  EXPECT_EQ(npv(b), 1.0);
  EXPECT_EQ(fpr(b), 0.0);
  EXPECT_EQ(balanced_accuracy(b), 1.0);  // only the negative class is present
  // Agreement by chance is total: kappa is undefined (sklearn: nan).
  EXPECT_TRUE(std::isnan(cohen_kappa(y, y, 2)));
  // The only class present: macro over it alone; class 1 is in neither list.
  EXPECT_EQ(macro_sensitivity(confusion_matrix(y, y, 2)), 1.0);
}

TEST(MetricsHand, ThreeClassConfusionAndKappas) {
  // cm = [[2,1,0],[0,3,1],[1,0,2]]: rows (truth) and columns both sum to 3, 4, 3.
  const Labels y = {0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
  const Labels p = {0, 0, 1, 1, 1, 1, 2, 0, 2, 2};
  const ConfusionMatrix cm = confusion_matrix(y, p, 3);
  EXPECT_EQ(cm, (ConfusionMatrix{{2, 1, 0}, {0, 3, 1}, {1, 0, 2}}));
  EXPECT_DOUBLE_EQ(accuracy(cm), 0.7);
  const std::vector<double> rec = per_class_sensitivity(cm);
  EXPECT_DOUBLE_EQ(rec[0], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(rec[1], 0.75);
  EXPECT_DOUBLE_EQ(rec[2], 2.0 / 3.0);
  EXPECT_NEAR(macro_sensitivity(cm), (2.0 / 3 + 0.75 + 2.0 / 3) / 3, 1e-12);
  EXPECT_NEAR(balanced_accuracy(cm), (2.0 / 3 + 0.75 + 2.0 / 3) / 3, 1e-12);
  // Class 0 against the rest: TP 2, FN 1, FP 1, TN 6.
  EXPECT_DOUBLE_EQ(per_class_specificity(cm)[0], 6.0 / 7.0);
  EXPECT_DOUBLE_EQ(per_class_npv(cm)[0], 6.0 / 7.0);
  // Unweighted: 3 disagreements observed, 6.6 expected -> 1 - 3/6.6 = 6/11.
  EXPECT_NEAR(cohen_kappa(cm), 6.0 / 11.0, 1e-12);
  // Linear: observed 1+1+2 = 4, expected (4*12 + 2*2*9)/10 = 8.4 -> 11/21.
  EXPECT_NEAR(cohen_kappa(cm, KappaWeights::Linear), 11.0 / 21.0, 1e-12);
  // Quadratic: observed 1+1+4 = 6, expected (4*12 + 2*4*9)/10 = 12 -> 1/2.
  EXPECT_NEAR(cohen_kappa(cm, KappaWeights::Quadratic), 0.5, 1e-12);
}

TEST(MetricsHand, SklearnDocumentedCurves) {
  // The examples of sklearn.metrics.roc_curve / precision_recall_curve /
  // average_precision_score / roc_auc_score docstrings.
  const Labels y = {0, 0, 1, 1};
  const Scores s = {0.1, 0.4, 0.35, 0.8};
  const RocCurve roc = roc_curve(y, s);
  EXPECT_EQ(roc.fpr, (std::vector<double>{0, 0, 0.5, 0.5, 1}));
  EXPECT_EQ(roc.tpr, (std::vector<double>{0, 0.5, 0.5, 1, 1}));
  EXPECT_EQ(roc.thresholds, (std::vector<double>{1.8, 0.8, 0.4, 0.35, 0.1}));
  EXPECT_DOUBLE_EQ(roc_auc(y, s), 0.75);
  const PrCurve pr = precision_recall_curve(y, s);
  EXPECT_EQ(pr.thresholds, (std::vector<double>{0.1, 0.35, 0.4, 0.8}));
  EXPECT_EQ(pr.recall, (std::vector<double>{1, 1, 0.5, 0.5, 0}));
  ASSERT_EQ(pr.precision.size(), 5u);
  EXPECT_DOUBLE_EQ(pr.precision[0], 0.5);
  EXPECT_DOUBLE_EQ(pr.precision[1], 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(pr.precision[2], 0.5);
  EXPECT_DOUBLE_EQ(pr.precision[3], 1.0);
  EXPECT_DOUBLE_EQ(pr.precision[4], 1.0);
  // AP = 0.5 * 1 + 0 * 0.5 + 0.5 * 2/3 = 5/6.
  EXPECT_DOUBLE_EQ(average_precision(y, s), 5.0 / 6.0);
}

TEST(MetricsHand, TiedScoresCountOneHalf) {
  EXPECT_DOUBLE_EQ(roc_auc({0, 1}, {0.5, 0.5}), 0.5);
  // Pairs (pos, neg): (.5,.2)=1, (.5,.5)=1/2, (.9,.2)=1, (.9,.5)=1 -> 3.5/4.
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1}, {0.2, 0.5, 0.5, 0.9}), 0.875);
  // Perfect and inverted rankings.
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1}, {-3, -2, 7}), 1.0);
  EXPECT_DOUBLE_EQ(roc_auc({1, 0, 0}, {-3, -2, 7}), 0.0);
}

TEST(MetricsHand, UndefinedWithOneClass) {
  EXPECT_TRUE(std::isnan(roc_auc({1, 1, 1}, {0.2, 0.3, 0.4})));
  EXPECT_TRUE(std::isnan(roc_auc({0, 0}, {0.2, 0.3})));
  EXPECT_TRUE(std::isnan(average_precision({0, 0}, {0.2, 0.3})));
  const RocCurve r = roc_curve({1, 1}, {0.2, 0.3});
  EXPECT_TRUE(std::isnan(r.fpr.back()));  // no negatives: fpr is nan (as sklearn)
  EXPECT_EQ(r.tpr.back(), 1.0);
  // 3 classes, class 2 absent: the macro OvR AUC is undefined.
  const Probabilities p = {{0.7, 0.2, 0.1}, {0.2, 0.7, 0.1}, {0.6, 0.3, 0.1}};
  EXPECT_TRUE(std::isnan(roc_auc_ovr_macro({0, 1, 0}, p)));
  const std::vector<double> per = roc_auc_ovr({0, 1, 0}, p);
  EXPECT_DOUBLE_EQ(per[0], 1.0);
  EXPECT_DOUBLE_EQ(per[1], 1.0);
  EXPECT_TRUE(std::isnan(per[2]));
}

TEST(MetricsHand, OperatingPoints) {
  // Full ROC of the documented example: thresholds 1.8 .8 .4 .35 .1,
  // tpr 0 .5 .5 1 1, fpr 0 0 .5 .5 1; J = 0 .5 0 .5 0 -> first maximum 0.8.
  const Labels y = {0, 0, 1, 1};
  const Scores s = {0.1, 0.4, 0.35, 0.8};
  EXPECT_DOUBLE_EQ(youden_threshold(y, s), 0.8);
  EXPECT_DOUBLE_EQ(sensitivity_threshold(y, s, 0.9), 0.35);
  EXPECT_DOUBLE_EQ(sensitivity_threshold(y, s, 0.5), 0.8);
  EXPECT_DOUBLE_EQ(sensitivity_threshold(y, s, 1.0), 0.35);
  EXPECT_EQ(predict_threshold(s, 0.35), (Labels{0, 1, 1, 1}));  // >= threshold is positive
  EXPECT_EQ(predict_argmax({{0.5, 0.5}, {0.2, 0.8}, {0.1, 0.3, 0.6}}), (Labels{0, 1, 2}));

  const Probabilities p = {{0.9, 0.1}, {0.6, 0.4}, {0.65, 0.35}, {0.2, 0.8}};
  DecisionRule r = choose_decision_rule("youden", y, p);
  EXPECT_EQ(r.name, "youden");
  EXPECT_DOUBLE_EQ(r.threshold, 0.8);
  r = choose_decision_rule("sensitivity=0.9", y, p);
  EXPECT_EQ(r.name, "sensitivity=0.9");
  EXPECT_DOUBLE_EQ(r.threshold, 0.35);
  r = choose_decision_rule("fixed=0.3", y, p);
  EXPECT_EQ(r.name, "fixed");
  EXPECT_DOUBLE_EQ(r.threshold, 0.3);
  EXPECT_DOUBLE_EQ(choose_decision_rule("0.25", y, p).threshold, 0.25);
  EXPECT_TRUE(choose_decision_rule("argmax", y, p).is_argmax());
  EXPECT_EQ(predict(DecisionRule::fixed(0.35), p), (Labels{0, 1, 1, 1}));
  EXPECT_EQ(predict(DecisionRule::argmax(), p), (Labels{0, 0, 0, 1}));
}

TEST(MetricsHand, RegistryNamesAndValues) {
  for (const char* name :
       {"auc", "accuracy", "sensitivity", "specificity", "f1", "balanced_accuracy", "kappa",
        "average_precision", "precision", "npv", "kappa_quadratic"}) {
    ASSERT_TRUE(has_classification_metric(name)) << name;
    EXPECT_TRUE(find_classification_metric(name).higher_is_better) << name;
  }
  EXPECT_FALSE(find_classification_metric("fpr").higher_is_better);
  EXPECT_FALSE(has_classification_metric("loss"));
  // Argmax decisions [0, 0, 0, 1]: TP 1, FN 1, FP 0, TN 2.
  const Labels y = {0, 0, 1, 1};
  const Probabilities p = {{0.9, 0.1}, {0.6, 0.4}, {0.65, 0.35}, {0.2, 0.8}};
  const auto eval = [&](const char* n) { return evaluate_classification_metric(n, y, p); };
  EXPECT_DOUBLE_EQ(eval("accuracy"), 0.75);
  EXPECT_DOUBLE_EQ(eval("sensitivity"), 0.5);
  EXPECT_DOUBLE_EQ(eval("recall"), 0.5);
  EXPECT_DOUBLE_EQ(eval("specificity"), 1.0);
  EXPECT_DOUBLE_EQ(eval("precision"), 1.0);
  EXPECT_DOUBLE_EQ(eval("npv"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(eval("f1"), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(eval("balanced_accuracy"), 0.75);
  EXPECT_DOUBLE_EQ(eval("fpr"), 0.0);
  // p_o = 3/4, p_e = (2*3 + 2*1)/16 = 1/2 -> kappa = 1/2.
  EXPECT_DOUBLE_EQ(eval("kappa"), 0.5);
  EXPECT_DOUBLE_EQ(eval("auc"), 0.75);
  EXPECT_DOUBLE_EQ(eval("average_precision"), 5.0 / 6.0);
  // Three classes: macro one-vs-rest AUC, each class ranked perfectly.
  const Probabilities p3 = {{0.8, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.1, 0.8}, {0.6, 0.3, 0.1}};
  EXPECT_DOUBLE_EQ(evaluate_classification_metric("auc", {0, 1, 2, 0}, p3), 1.0);
  EXPECT_DOUBLE_EQ(evaluate_classification_metric("accuracy", {0, 1, 2, 0}, p3), 1.0);
}
