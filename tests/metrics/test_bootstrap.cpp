// Percentile bootstrap: numpy's percentile, determinism, skipped resamples,
// and intervals close to an independent numpy bootstrap (different random
// draws, so only within 0.02).
#include <chrono>
#include <cmath>

#include "medcnn/metrics/bootstrap.h"
#include "medcnn/metrics/classification_report.h"
#include "metrics_cases.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

TEST(MetricsBootstrap, PercentileAsNumpy) {
  // numpy.percentile([1, 2, 3, 4], 25) = 1.75; of 1..10 at 97.5: 9.775; at 2.5: 1.225.
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 25), 1.75);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 97.5), 9.775);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 2.5), 1.225);
  EXPECT_DOUBLE_EQ(percentile({5}, 50), 5.0);
  EXPECT_DOUBLE_EQ(percentile({1, 3}, 100), 3.0);
  EXPECT_TRUE(std::isnan(percentile({}, 50)));
}

TEST(MetricsBootstrap, ResamplesAreDrawsWithReplacement) {
  // Every resample's weights sum to n; each case is drawn about once on average.
  const size_t n = 50;
  std::vector<double> draws_of_case0;
  bool sums_ok = true;
  BootstrapOptions o;
  o.resamples = 400;
  o.seed = 3;
  const BootstrapInterval b = bootstrap_interval(
      n,
      [&](const std::vector<int64_t>& w) {
        int64_t s = 0;
        for (int64_t v : w) s += v;
        sums_ok = sums_ok && s == static_cast<int64_t>(n);
        draws_of_case0.push_back(static_cast<double>(w[0]));
        return static_cast<double>(w[0]);
      },
      o);
  EXPECT_TRUE(sums_ok);
  EXPECT_EQ(b.value, 1.0);  // the original data: every weight 1
  EXPECT_EQ(b.used, 400);
  EXPECT_EQ(b.skipped, 0);
  double mean = 0;
  for (size_t i = 1; i < draws_of_case0.size(); ++i) mean += draws_of_case0[i];
  mean /= static_cast<double>(draws_of_case0.size() - 1);
  EXPECT_NEAR(mean, 1.0, 0.15);  // Binomial(50, 1/50): mean 1, sd of the mean 0.05
  EXPECT_EQ(resampled_indices({2, 0, 1}), (std::vector<size_t>{0, 0, 2}));
}

TEST(MetricsBootstrap, UndefinedResamplesAreSkippedAndCounted) {
  // NaN whenever case 0 is not drawn: P = (1 - 1/20)^20 = 0.358 per resample.
  BootstrapOptions o;
  o.resamples = 1000;
  o.seed = 11;
  const BootstrapInterval b = bootstrap_interval(
      20, [](const std::vector<int64_t>& w) { return w[0] == 0 ? NAN : 1.0 * w[0]; }, o);
  EXPECT_EQ(b.used + b.skipped, 1000);
  EXPECT_NEAR(b.skipped, 358, 60);  // binomial sd 15
  EXPECT_GE(b.lo, 1.0);
  // Nothing defined at all: no interval.
  const BootstrapInterval none = bootstrap_interval(
      5, [](const std::vector<int64_t>&) { return NAN; }, o);
  EXPECT_EQ(none.used, 0);
  EXPECT_TRUE(std::isnan(none.lo) && std::isnan(none.hi));
}

TEST(MetricsBootstrap, SameSeedSameIntervalAndValueInside) {
  const MetricsCase c = binary_ties(300, 21, 0.5);
  ReportOptions o;
  o.rule = DecisionRule::fixed(0.5);
  o.bootstrap = 500;
  o.seed = 7;
  const json a = classification_report(c.y, c.probs, {"neg", "pos"}, o);
  const json b = classification_report(c.y, c.probs, {"neg", "pos"}, o);
  EXPECT_EQ(a, b);
  o.seed = 8;
  const json d = classification_report(c.y, c.probs, {"neg", "pos"}, o);
  EXPECT_NE(a["metrics"]["auc"]["ci95"], d["metrics"]["auc"]["ci95"]);
  for (const auto& name : report_metric_names()) {
    const json& m = a["metrics"][name];
    ASSERT_TRUE(m["ci95"].is_array()) << name;
    const double v = m["value"], lo = m["ci95"][0], hi = m["ci95"][1];
    EXPECT_LE(lo, v) << name;
    EXPECT_LE(v, hi) << name;
    EXPECT_LT(lo, hi) << name;
    EXPECT_EQ(m["bootstrap_skipped"], 0) << name;
  }
}

TEST(MetricsBootstrap, CloseToNumpyPercentileBootstrap) {
  const MetricsCase c = binary_ties(300, 31, 0.5);
  TempDir dir;
  const json o = sklearn_oracle(c, dir, 0.9, {{"n", 2000}, {"seed", 5}});
  ASSERT_FALSE(o.is_null());
  ReportOptions opt;
  opt.rule = DecisionRule::fixed(0.5);
  opt.bootstrap = 2000;
  opt.seed = 5;
  const json r = classification_report(c.y, c.probs, {}, opt);
  for (const char* name : {"accuracy", "auc"}) {
    const json& ci = r["metrics"][name]["ci95"];
    const json& ref = o["bootstrap"][name];
    EXPECT_NEAR(ci[0].get<double>(), ref[0].get<double>(), 0.02) << name << " lower bound";
    EXPECT_NEAR(ci[1].get<double>(), ref[1].get<double>(), 0.02) << name << " upper bound";
  }
}

TEST(MetricsBootstrap, ImbalancedDataSkipsResamplesWithoutPositives) {
  // 2 positives in 60 cases: (58/60)^60 = 13% of resamples have none.
  Labels y(60, 0);
  y[3] = y[40] = 1;
  Probabilities p;
  for (size_t i = 0; i < y.size(); ++i) {
    const double s = y[i] ? 0.7 : 0.01 * static_cast<double>(i % 50);
    p.push_back({1 - s, s});
  }
  ReportOptions o;
  o.bootstrap = 1000;
  o.seed = 2;
  const json r = classification_report(y, p, {}, o);
  const json& auc = r["metrics"]["auc"];
  EXPECT_NEAR(auc["bootstrap_skipped"].get<double>(), 130, 50);
  EXPECT_TRUE(auc["ci95"].is_array());
  EXPECT_EQ(r["metrics"]["accuracy"]["bootstrap_skipped"], 0);
}

TEST(MetricsBootstrap, FastEnoughForAReport) {
  // 2000 cases, 4 classes, 1000 resamples.
  const MetricsCase c = multiclass(2000, 41, {1, 1, 1, 1});
  ReportOptions o;
  o.bootstrap = 1000;
  const auto t0 = std::chrono::steady_clock::now();
  const json r = classification_report(c.y, c.probs, {}, o);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(s, 5.0);
  EXPECT_TRUE(r["metrics"]["auc"]["ci95"].is_array());
  std::cout << "report with 1000 resamples of 2000 cases x 4 classes: " << s << " s\n";
}
