#include "medcnn/metrics/classification_report.h"

#include <cmath>
#include <limits>

#include "medcnn/core/error.h"
#include "medcnn/metrics/bootstrap.h"
#include "medcnn/metrics/check.h"
#include "medcnn/metrics/confusion.h"
#include "medcnn/metrics/curve_core.h"
#include "medcnn/metrics/kappa.h"
#include "medcnn/metrics/pr.h"
#include "medcnn/metrics/roc.h"

namespace medcnn {

namespace {

using nlohmann::json;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

enum Metric {
  kAccuracy,
  kAuc,
  kAp,
  kSensitivity,
  kSpecificity,
  kPrecision,
  kNpv,
  kF1,
  kBalancedAccuracy,
  kFpr,
  kKappa,
  kKappaLinear,
  kKappaQuadratic,
  kMetricCount
};

json number(double v) { return std::isnan(v) ? json(nullptr) : json(v); }

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

json roc_json(const RocCurve& r) {
  return {{"fpr", numbers(r.fpr)}, {"tpr", numbers(r.tpr)}, {"thresholds", numbers(r.thresholds)}};
}

json pr_json(const PrCurve& r) {
  return {{"precision", numbers(r.precision)},
          {"recall", numbers(r.recall)},
          {"thresholds", numbers(r.thresholds)}};
}

double mean_or_nan(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) {
    if (std::isnan(x)) return kNaN;
    s += x;
  }
  return s / static_cast<double>(v.size());
}

// Everything the metrics need, prepared once; evaluate() then costs O(n k)
// per bootstrap resample (no sorting).
struct Evaluator {
  const Labels& y_true;
  Labels y_pred;
  int k;
  std::vector<Scores> scores;                   // per class: probs[:, c]
  std::vector<std::vector<size_t>> orders;      // per class: by descending score
  std::vector<std::vector<uint8_t>> positives;  // per class: y_true == c

  Evaluator(const Labels& y, const Probabilities& probs, Labels pred, int num_classes)
      : y_true(y), y_pred(std::move(pred)), k(num_classes) {
    for (int c = 0; c < k; ++c) {
      scores.push_back(metrics_detail::column(probs, c));
      orders.push_back(metrics_detail::order_by_score_desc(scores.back()));
      std::vector<uint8_t> p(y.size());
      for (size_t i = 0; i < y.size(); ++i) p[i] = y[i] == c;
      positives.push_back(std::move(p));
    }
  }

  metrics_detail::ClfCurve curve(int c, const std::vector<int64_t>* w) const {
    const size_t i = static_cast<size_t>(c);
    return metrics_detail::binary_clf_curve(orders[i], positives[i], scores[i], w);
  }

  // strict: a ratio with a zero denominator is NaN (undefined) instead of 0.
  std::vector<double> evaluate(const std::vector<int64_t>& w, bool strict) const {
    using metrics_detail::ratio_or_nan;
    std::vector<double> m(kMetricCount, kNaN);
    const ConfusionMatrix cm = confusion_matrix(y_true, y_pred, k, w);
    m[kAccuracy] = accuracy(cm);
    m[kBalancedAccuracy] = balanced_accuracy(cm);
    if (k == 2) {
      const metrics_detail::ClfCurve c1 = curve(1, &w);
      m[kAuc] = metrics_detail::roc_auc_from(c1);
      m[kAp] = metrics_detail::average_precision_from(c1);
      const BinaryCounts b = one_vs_rest(cm, 1);
      const auto r = [&](int64_t num, int64_t den, double sklearn_value) {
        return strict ? ratio_or_nan(static_cast<double>(num), static_cast<double>(den))
                      : sklearn_value;
      };
      m[kSensitivity] = r(b.tp, b.tp + b.fn, sensitivity(b));
      m[kSpecificity] = r(b.tn, b.tn + b.fp, specificity(b));
      m[kPrecision] = r(b.tp, b.tp + b.fp, precision(b));
      m[kNpv] = r(b.tn, b.tn + b.fn, npv(b));
      m[kF1] = r(2 * b.tp, 2 * b.tp + b.fp + b.fn, f1(b));
      m[kFpr] = r(b.fp, b.fp + b.tn, fpr(b));
    } else {
      std::vector<double> aucs, aps;
      for (int c = 0; c < k; ++c) {
        const metrics_detail::ClfCurve cc = curve(c, &w);
        aucs.push_back(metrics_detail::roc_auc_from(cc));
        aps.push_back(metrics_detail::average_precision_from(cc));
      }
      m[kAuc] = mean_or_nan(aucs);
      m[kAp] = mean_or_nan(aps);
      m[kSensitivity] = macro_sensitivity(cm);
      m[kSpecificity] = macro_specificity(cm);
      m[kPrecision] = macro_precision(cm);
      m[kNpv] = macro_npv(cm);
      m[kF1] = macro_f1(cm);
      m[kFpr] = macro_fpr(cm);
    }
    m[kKappa] = cohen_kappa(cm, KappaWeights::None);
    m[kKappaLinear] = cohen_kappa(cm, KappaWeights::Linear);
    m[kKappaQuadratic] = cohen_kappa(cm, KappaWeights::Quadratic);
    return m;
  }
};

std::string undefined_note(Metric m, int k) {
  switch (m) {
    case kAuc:
      return k == 2 ? "undefined: y_true holds one class only"
                    : "undefined: some class has no cases in y_true, or is the only one";
    case kAp:
      return k == 2 ? "undefined: no positive cases in y_true"
                    : "undefined: some class has no cases in y_true";
    case kKappa:
    case kKappaLinear:
    case kKappaQuadratic:
      return "undefined: expected disagreement is 0 (y_true and y_pred hold one and the same "
             "class)";
    default:
      return "undefined";
  }
}

}  // namespace

const std::vector<std::string>& report_metric_names() {
  static const std::vector<std::string> names = {"accuracy",
                                                 "auc",
                                                 "average_precision",
                                                 "sensitivity",
                                                 "specificity",
                                                 "precision",
                                                 "npv",
                                                 "f1",
                                                 "balanced_accuracy",
                                                 "fpr",
                                                 "kappa",
                                                 "kappa_linear",
                                                 "kappa_quadratic"};
  return names;
}

json classification_report(const Labels& y_true, const Probabilities& probs,
                           const std::vector<std::string>& class_names,
                           const ReportOptions& options) {
  const std::string where = "classification_report";
  metrics_detail::check_same_length(where, "y_true", y_true.size(), "probabilities", probs.size());
  const int k = metrics_detail::check_probabilities(where, probs);
  metrics_detail::check_labels(where, y_true, k);
  std::vector<std::string> names = class_names;
  if (names.empty())
    for (int c = 0; c < k; ++c) names.push_back(std::to_string(c));
  if (static_cast<int>(names.size()) != k)
    throw DataError(where, std::to_string(names.size()) + " class names for " + std::to_string(k) +
                               " probability columns");
  if (k > 2 && !options.rule.is_argmax())
    throw ConfigError("decision rule", "'" + options.rule.name + "' thresholds two classes only; " +
                                           std::to_string(k) + " classes need 'argmax'");
  if (options.bootstrap < 0)
    throw ConfigError("bootstrap", "the number of resamples must be >= 0, got " +
                                       std::to_string(options.bootstrap));

  const size_t n = y_true.size();
  const Evaluator ev(y_true, probs, predict(options.rule, probs), k);
  const std::vector<int64_t> ones(n, 1);
  const std::vector<double> value = ev.evaluate(ones, /*strict=*/false);
  const std::vector<double> strict = ev.evaluate(ones, /*strict=*/true);
  std::vector<BootstrapInterval> ci;
  if (options.bootstrap > 0) {
    BootstrapOptions bo;
    bo.resamples = options.bootstrap;
    bo.seed = options.seed;
    ci = bootstrap_intervals(
        n, [&](const std::vector<int64_t>& w) { return ev.evaluate(w, true); }, bo);
  }

  json out;
  out["task"] = "classification";
  out["classes"] = names;
  out["n"] = n;
  std::vector<int64_t> counts(static_cast<size_t>(k), 0);
  for (int64_t y : y_true) ++counts[static_cast<size_t>(y)];
  out["class_counts"] = counts;
  if (k == 2) {
    out["positive_class"] = 1;
    out["threshold"] = options.rule.is_argmax() ? 0.5 : options.rule.threshold;
  }
  out["threshold_rule"] = options.rule.is_argmax() ? std::string("argmax") : options.rule.name;

  json metrics = json::object();
  const auto& metric_names = report_metric_names();
  for (int m = 0; m < kMetricCount; ++m) {
    json entry;
    entry["value"] = number(value[m]);
    if (std::isnan(value[m])) {
      entry["note"] = undefined_note(static_cast<Metric>(m), k);
    } else if (std::isnan(strict[m])) {
      entry["note"] = "zero division: reported as 0 (scikit-learn zero_division=0)";
    }
    if (ci.empty()) {
      entry["ci95"] = nullptr;
    } else {
      const BootstrapInterval& b = ci[static_cast<size_t>(m)];
      entry["ci95"] = b.used > 0 ? json::array({b.lo, b.hi}) : json(nullptr);
      entry["bootstrap_skipped"] = b.skipped;
    }
    metrics[metric_names[static_cast<size_t>(m)]] = entry;
  }
  out["metrics"] = metrics;
  out["confusion_matrix"] = confusion_matrix(y_true, ev.y_pred, k);

  if (k == 2) {
    out["roc"] = roc_json(roc_curve(y_true, ev.scores[1]));
    out["pr"] = pr_json(precision_recall_curve(y_true, ev.scores[1]));
  }
  const ConfusionMatrix cm = confusion_matrix(y_true, ev.y_pred, k);
  json per_class = json::array();
  for (int c = 0; c < k; ++c) {
    const size_t ci_ = static_cast<size_t>(c);
    Labels yc(n);
    for (size_t i = 0; i < n; ++i) yc[i] = ev.positives[ci_][i];
    const metrics_detail::ClfCurve curve = ev.curve(c, nullptr);
    const BinaryCounts b = one_vs_rest(cm, c);
    json e;
    e["class"] = names[ci_];
    e["auc"] = number(metrics_detail::roc_auc_from(curve));
    e["average_precision"] = number(metrics_detail::average_precision_from(curve));
    e["sensitivity"] = sensitivity(b);
    e["specificity"] = specificity(b);
    e["precision"] = precision(b);
    e["f1"] = f1(b);
    e["support"] = counts[ci_];
    e["roc"] = roc_json(roc_curve(yc, ev.scores[ci_]));
    e["pr"] = pr_json(precision_recall_curve(yc, ev.scores[ci_]));
    if (counts[ci_] == 0)
      e["note"] = "class absent from y_true: auc and average_precision undefined";
    else if (counts[ci_] == static_cast<int64_t>(n))
      e["note"] = "only class in y_true: auc undefined";
    per_class.push_back(e);
  }
  out["per_class"] = per_class;
  out["bootstrap"] = {{"resamples", options.bootstrap},
                      {"seed", options.seed},
                      {"method", "percentile, cases resampled with replacement"},
                      {"confidence", 0.95}};
  return out;
}

}  // namespace medcnn
