// Bad input is refused with DataError (or ConfigError for a bad rule or
// metric name) whose message says what is wrong.
#include <cmath>
#include <limits>

#include "medcnn/core/error.h"
#include "medcnn/metrics/bootstrap.h"
#include "medcnn/metrics/classification_report.h"
#include "medcnn/metrics/confusion.h"
#include "medcnn/metrics/kappa.h"
#include "medcnn/metrics/operating_point.h"
#include "medcnn/metrics/pr.h"
#include "medcnn/metrics/registry.h"
#include "medcnn/metrics/roc.h"
#include "metrics_cases.h"

using namespace medcnn;

namespace {

template <class E, class F>
void expect_error(F f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no exception; expected one mentioning '" << fragment << "'";
  } catch (const E& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message: " << e.what() << "\nexpected to contain: " << fragment;
  }
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

TEST(MetricsErrors, MismatchedLengths) {
  expect_error<DataError>(
      [] {
        confusion_matrix({0, 1, 1}, {0, 1}, 2);
      },
      "y_true has 3 cases but y_pred has 2");
  expect_error<DataError>([] { roc_auc({0, 1}, {0.5}); }, "mismatched lengths");
  expect_error<DataError>(
      [] {
        precision_recall_curve({0, 1}, {0.1, 0.2, 0.3});
      },
      "mismatched lengths");
  expect_error<DataError>(
      [] {
        classification_report({0, 1, 0}, {{0.5, 0.5}, {0.1, 0.9}}, {}, {});
      },
      "mismatched lengths");
}

TEST(MetricsErrors, EmptyInput) {
  expect_error<DataError>([] { confusion_matrix({}, {}, 2); }, "empty input");
  expect_error<DataError>([] { roc_curve({}, {}); }, "empty input");
  expect_error<DataError>([] { average_precision({}, {}); }, "empty input");
  expect_error<DataError>([] { roc_auc_ovr_macro({}, {}); }, "empty input");
  expect_error<DataError>([] { bootstrap_interval(0, [](const auto&) { return 1.0; }); },
                          "empty input");
}

TEST(MetricsErrors, LabelsOutOfRange) {
  expect_error<DataError>(
      [] {
        confusion_matrix({0, 3, 1}, {0, 1, 1}, 3);
      },
      "y_true[1] = 3 is not in [0, 2]");
  expect_error<DataError>([] { cohen_kappa({0, 1}, {0, -1}, 2); }, "y_pred[1] = -1");
  expect_error<DataError>(
      [] {
        roc_auc({0, 2, 1}, {0.1, 0.2, 0.3});
      },
      "binary labels must be 0 or 1");
  expect_error<DataError>(
      [] {
        classification_report({0, 2}, {{0.5, 0.5}, {0.1, 0.9}}, {}, {});
      },
      "label out of range");
}

TEST(MetricsErrors, NonFiniteScores) {
  expect_error<DataError>([] { roc_auc({0, 1}, {0.1, kNaN}); }, "score of case 1 is NaN");
  expect_error<DataError>(
      [] {
        roc_curve({0, 1}, {std::numeric_limits<double>::infinity(), 0.2});
      },
      "score of case 0 is infinite");
  expect_error<DataError>(
      [] {
        roc_auc_ovr_macro({0, 1}, {{0.5, 0.5}, {kNaN, 0.5}});
      },
      "probability of case 1, class 0 is NaN");
}

TEST(MetricsErrors, BadProbabilityRows) {
  expect_error<DataError>(
      [] {
        roc_auc_ovr_macro({0, 1}, {{0.5, 0.5}, {0.2, 0.2}});
      },
      "probabilities of case 1 sum to 0.4");
  expect_error<DataError>(
      [] {
        roc_auc_ovr_macro({0, 1}, {{0.5, 0.5}, {0.2, 0.2, 0.6}});
      },
      "row 1 has 3 columns");
  expect_error<DataError>(
      [] {
        evaluate_classification_metric("auc", {0, 0}, {{1.0}, {1.0}});
      },
      "at least 2 columns");
}

TEST(MetricsErrors, ReportArguments) {
  const Probabilities p3 = {{0.2, 0.3, 0.5}, {0.6, 0.3, 0.1}};
  expect_error<DataError>(
      [&] {
        classification_report({2, 0}, p3, {"a", "b"});
      },
      "2 class names for 3 probability columns");
  ReportOptions opt;
  opt.rule = DecisionRule::fixed(0.3);
  expect_error<ConfigError>(
      [&] {
        classification_report({2, 0}, p3, {}, opt);
      },
      "3 classes need 'argmax'");
  opt = {};
  opt.bootstrap = -5;
  expect_error<ConfigError>([&] { classification_report({2, 0}, p3, {}, opt); }, "resamples");
}

TEST(MetricsErrors, BadRulesAndNames) {
  const Labels y = {0, 1};
  const Probabilities p = {{0.7, 0.3}, {0.4, 0.6}};
  expect_error<ConfigError>([&] { choose_decision_rule("best", y, p); }, "unknown rule 'best'");
  expect_error<ConfigError>([&] { choose_decision_rule("sensitivity=high", y, p); },
                            "not a number");
  expect_error<ConfigError>([&] { choose_decision_rule("sensitivity=1.5", y, p); },
                            "target sensitivity must be in (0, 1]");
  expect_error<ConfigError>(
      [&] {
        choose_decision_rule("youden", {0, 2}, {{0.2, 0.3, 0.5}, {0.1, 0.3, 0.6}});
      },
      "3 classes need 'argmax'");
  expect_error<DataError>([&] { choose_decision_rule("youden", {1, 1}, p); }, "both classes");
  expect_error<ConfigError>([&] { find_classification_metric("acuracy"); },
                            "unknown classification metric 'acuracy' (known: accuracy, auc");
}
