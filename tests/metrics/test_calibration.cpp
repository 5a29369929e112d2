// Calibration (reliability bins, ECE/MCE, sklearn's calibration curve,
// temperature scaling, NLL, Brier), referral curves and per-case sample
// uncertainty: against tests/oracles/calibration_numpy.py (numpy, scipy,
// scikit-learn) on seeded random cases, against cases worked by hand, and
// their input errors; the SVG plots parse as XML and hold what they show.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "medcnn/core/error.h"
#include "medcnn/core/rng.h"
#include "medcnn/metrics/calibration.h"
#include "medcnn/metrics/referral.h"
#include "medcnn/metrics/uncertainty.h"
#include "medcnn/report/svg.h"
#include "medcnn/report/uncertainty_plots.h"
#include "metrics_cases.h"

using namespace medcnn;
using namespace medcnn::test;
using nlohmann::json;

namespace {

constexpr double kTol = 1e-12;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> softmax(const std::vector<double>& z) {
  const double m = *std::max_element(z.begin(), z.end());
  std::vector<double> p(z.size());
  double s = 0;
  for (size_t i = 0; i < z.size(); ++i) s += p[i] = std::exp(z[i] - m);
  for (double& v : p) v /= s;
  return p;
}

// Draws a class from probabilities p.
int64_t draw(Rng& rng, const std::vector<double>& p) {
  double u = rng.uniform();
  for (size_t c = 0; c + 1 < p.size(); ++c) {
    if (u < p[c]) return static_cast<int64_t>(c);
    u -= p[c];
  }
  return static_cast<int64_t>(p.size() - 1);
}

// n cases of k classes whose labels are drawn from softmax(l) and whose
// logits are scale * l: scale > 1 is over-, scale < 1 under-confident.
struct LogitCase {
  Probabilities z;
  Labels y;
};
LogitCase logit_case(size_t n, size_t k, double scale, uint64_t seed) {
  Rng rng(seed);
  LogitCase c;
  for (size_t i = 0; i < n; ++i) {
    std::vector<double> l(k);
    const size_t favoured = static_cast<size_t>(rng.randint(0, static_cast<int64_t>(k) - 1));
    for (size_t j = 0; j < k; ++j) l[j] = rng.normal() + (j == favoured ? 1.5 : 0.0);
    c.y.push_back(draw(rng, softmax(l)));
    for (double& v : l) v *= scale;
    c.z.push_back(l);
  }
  return c;
}

Probabilities softmax_rows(const Probabilities& z) {
  Probabilities p;
  for (const auto& row : z) p.push_back(softmax(row));
  return p;
}

// Binary probabilities rounded to 0.05, so many fall exactly on bin edges.
LogitCase binary_rounded(size_t n, uint64_t seed) {
  Rng rng(seed);
  LogitCase c;
  for (size_t i = 0; i < n; ++i) {
    const double s = std::round(rng.uniform() * 20) / 20;
    c.y.push_back(rng.bernoulli(0.15 + 0.7 * s) ? 1 : 0);
    c.z.push_back({1 - s, s});
  }
  return c;
}

void expect_calibration(const Calibration& c, const json& o, const std::string& what) {
  ASSERT_EQ(c.bins.size(), o["bins"].size()) << what;
  EXPECT_EQ(c.n, o["n"].get<int64_t>()) << what;
  for (size_t b = 0; b < c.bins.size(); ++b) {
    const json& e = o["bins"][b];
    const std::string w = what + " bin " + std::to_string(b);
    EXPECT_EQ(c.bins[b].lower, e["lower"].get<double>()) << w;
    EXPECT_EQ(c.bins[b].upper, e["upper"].get<double>()) << w;
    EXPECT_EQ(c.bins[b].count, e["count"].get<int64_t>()) << w;
    expect_same(c.bins[b].mean_confidence, num(e["mean_confidence"]), kTol, w + " confidence");
    expect_same(c.bins[b].accuracy, num(e["accuracy"]), kTol, w + " accuracy");
  }
  expect_same(c.ece, num(o["ece"]), kTol, what + " ece");
  expect_same(c.mce, num(o["mce"]), kTol, what + " mce");
}

int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Parses the SVG with Python's XML parser (a strict well-formedness check).
void expect_well_formed(const std::string& svg) {
  TempDir dir;
  const std::string path = dir.file("chart.svg");
  write_text(path, svg);
  const CommandResult r = run_command(
      "/usr/bin/python3 -c 'import sys, xml.etree.ElementTree as E; "
      "print(E.parse(sys.argv[1]).getroot().tag)' " +
      shell_quote(path));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.out, "svg")) << r.out;
}

}  // namespace

// ------------------------------------------------------------- calibration

TEST(Calibration, MatchesNumpySklearnScipyOracle) {
  const LogitCase over = logit_case(400, 4, 3.0, 11);    // over-confident: T near 3
  const LogitCase under = logit_case(300, 3, 0.4, 12);   // under-confident: T < 1
  const LogitCase edges = binary_rounded(300, 13);       // confidences on bin edges
  const Probabilities p_over = softmax_rows(over.z), p_under = softmax_rows(under.z);
  Rng rng(14);
  Scores p_cont;
  Labels y_cont;
  for (int i = 0; i < 250; ++i) {
    p_cont.push_back(rng.uniform());
    y_cont.push_back(rng.bernoulli(p_cont.back() * p_cont.back()) ? 1 : 0);
  }
  const Scores p_edges = column_of(edges.z, 1);

  json in;
  in["top_label"] = json::array({{{"y", over.y}, {"p", p_over}, {"n_bins", 15}},
                                 {{"y", under.y}, {"p", p_under}, {"n_bins", 10}},
                                 {{"y", edges.y}, {"p", edges.z}, {"n_bins", 10}},
                                 {{"y", edges.y}, {"p", edges.z}, {"n_bins", 5}}});
  in["curve"] = json::array({{{"y", edges.y}, {"p", p_edges}, {"n_bins", 5}},
                             {{"y", edges.y}, {"p", p_edges}, {"n_bins", 10}},
                             {{"y", y_cont}, {"p", p_cont}, {"n_bins", 7}}});
  in["temperature"] = json::array({{{"z", over.z}, {"y", over.y}, {"apply_T", 2.5}},
                                   {{"z", under.z}, {"y", under.y}, {"apply_T", 0.7}}});
  in["scores"] = json::array({{{"p", p_over}, {"y", over.y}},
                              {{"p", p_under}, {"y", under.y}},
                              {{"p", edges.z}, {"y", edges.y}}});
  TempDir dir;
  write_text(dir.file("in.json"), in.dump());
  const json o = run_oracle("calibration_numpy.py", {dir.file("in.json")});
  ASSERT_FALSE(o.is_null());

  expect_calibration(top_label_calibration(over.y, p_over, 15), o["top_label"][0], "over");
  expect_calibration(top_label_calibration(under.y, p_under, 10), o["top_label"][1], "under");
  expect_calibration(top_label_calibration(edges.y, edges.z, 10), o["top_label"][2], "edges 10");
  expect_calibration(top_label_calibration(edges.y, edges.z, 5), o["top_label"][3], "edges 5");

  const std::vector<std::pair<Labels, Scores>> curves = {
      {edges.y, p_edges}, {edges.y, p_edges}, {y_cont, p_cont}};
  const int curve_bins[] = {5, 10, 7};
  for (size_t i = 0; i < curves.size(); ++i) {
    const auto [pt, pp] = calibration_curve(curves[i].first, curves[i].second, curve_bins[i]);
    const std::string w = "calibration_curve " + std::to_string(i);
    expect_same_vec(pt, o["curve"][i]["prob_true"], kTol, w + " prob_true");
    expect_same_vec(pp, o["curve"][i]["prob_pred"], kTol, w + " prob_pred");
  }

  const LogitCase* cases[] = {&over, &under};
  const double applied_T[] = {2.5, 0.7};
  for (size_t i = 0; i < 2; ++i) {
    const json& e = o["temperature"][i];
    const std::string w = "temperature case " + std::to_string(i);
    const double T = fit_temperature(cases[i]->z, cases[i]->y);
    EXPECT_NEAR(T, e["T"].get<double>(), 1e-3 * e["T"].get<double>()) << w;
    // The NLL at our T is no worse than scipy's optimum (to rounding).
    const double nll_T = negative_log_likelihood(apply_temperature(cases[i]->z, T), cases[i]->y);
    EXPECT_LE(nll_T, e["nll_at_T"].get<double>() + 1e-12) << w;
    EXPECT_NEAR(negative_log_likelihood(apply_temperature(cases[i]->z, 1.0), cases[i]->y),
                e["nll_at_1"].get<double>(), 1e-10) << w;
    const Probabilities applied = apply_temperature(cases[i]->z, applied_T[i]);
    ASSERT_EQ(applied.size(), e["applied"].size()) << w;
    for (size_t r = 0; r < applied.size(); ++r)
      expect_same_vec(applied[r], e["applied"][r], 1e-14, w + " applied row " + std::to_string(r));
  }
  EXPECT_GT(fit_temperature(over.z, over.y), 1.5) << "over-confident logits need T > 1";
  EXPECT_LT(fit_temperature(under.z, under.y), 1.0) << "under-confident logits need T < 1";

  const Probabilities* probs[] = {&p_over, &p_under, &edges.z};
  const Labels* labels[] = {&over.y, &under.y, &edges.y};
  for (size_t i = 0; i < 3; ++i) {
    const json& e = o["scores"][i];
    const std::string w = "scores case " + std::to_string(i);
    EXPECT_NEAR(negative_log_likelihood(*probs[i], *labels[i]), e["nll"].get<double>(), 1e-12) << w;
    EXPECT_NEAR(brier_score(*probs[i], *labels[i]), e["brier"].get<double>(), 1e-12) << w;
  }
  // Two classes: twice sklearn's brier_score_loss of the positive column.
  EXPECT_NEAR(brier_score(edges.z, edges.y),
              2 * o["scores"][2]["brier_sklearn_binary"].get<double>(), 1e-12);
}

// 4 cases, 2 bins (0, 0.5] and (0.5, 1]:
//   (0.9, 0.1) y 0: conf 0.9, right   (0.2, 0.8) y 0: conf 0.8, wrong
//   (0.6, 0.4) y 0: conf 0.6, right   (0.5, 0.5) y 1: argmax tie -> 0, conf 0.5, wrong
// bin 0: case 4 alone, confidence 0.5, accuracy 0, gap 0.5;
// bin 1: confidence (0.9 + 0.8 + 0.6) / 3 = 0.7667, accuracy 2/3, gap 0.1;
// ECE = 1/4 * 0.5 + 3/4 * 0.1 = 0.2, MCE = 0.5.
TEST(Calibration, TopLabelWorkedByHand) {
  const Labels y = {0, 0, 0, 1};
  const Probabilities p = {{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}, {0.5, 0.5}};
  const Calibration c = top_label_calibration(y, p, 2);
  ASSERT_EQ(c.bins.size(), 2u);
  EXPECT_EQ(c.n, 4);
  EXPECT_EQ(c.bins[0].lower, 0.0);
  EXPECT_EQ(c.bins[0].upper, 0.5);
  EXPECT_EQ(c.bins[1].upper, 1.0);
  EXPECT_EQ(c.bins[0].count, 1);
  EXPECT_DOUBLE_EQ(c.bins[0].mean_confidence, 0.5);
  EXPECT_DOUBLE_EQ(c.bins[0].accuracy, 0.0);
  EXPECT_EQ(c.bins[1].count, 3);
  EXPECT_NEAR(c.bins[1].mean_confidence, 2.3 / 3, 1e-15);
  EXPECT_NEAR(c.bins[1].accuracy, 2.0 / 3, 1e-15);
  EXPECT_NEAR(c.ece, 0.2, 1e-15);
  EXPECT_NEAR(c.mce, 0.5, 1e-15);

  // Empty bins are kept with NaN means and count 0; they add nothing to ECE.
  const Calibration c4 = top_label_calibration(y, p, 4);
  ASSERT_EQ(c4.bins.size(), 4u);
  EXPECT_EQ(c4.bins[0].count, 0);
  EXPECT_TRUE(std::isnan(c4.bins[0].accuracy));
  EXPECT_TRUE(std::isnan(c4.bins[0].mean_confidence));
  EXPECT_EQ(c4.bins[1].count, 1);  // 0.5 sits on the edge: (0.25, 0.5]
  EXPECT_EQ(c4.bins[2].count, 1);  // 0.6
  EXPECT_EQ(c4.bins[3].count, 2);  // 0.8, 0.9
  // gaps: 0.5 (n 1), |1 - 0.6| = 0.4 (n 1), |0.5 - 0.85| = 0.35 (n 2)
  EXPECT_NEAR(c4.ece, (0.5 + 0.4 + 2 * 0.35) / 4, 1e-15);
  EXPECT_NEAR(c4.mce, 0.5, 1e-15);

  // A perfectly calibrated set: confidence 0.75 in 4 cases, 3 of them right.
  const Calibration perfect =
      top_label_calibration({0, 0, 0, 1}, {{0.75, 0.25}, {0.75, 0.25}, {0.75, 0.25}, {0.75, 0.25}});
  EXPECT_NEAR(perfect.ece, 0.0, 1e-15);
  EXPECT_EQ(perfect.bins.size(), 15u);
}

// sklearn's docstring example, by hand: edges 1/3, 2/3;
// bin 0: 0.1 0.2 0.3 (all 0), bin 1: 0.4 0.65 (one 1), bin 2: 0.7 0.8 0.9 1 (all 1).
TEST(Calibration, CurveWorkedByHand) {
  const Labels y = {0, 0, 0, 0, 1, 1, 1, 1, 1};
  const Scores p = {0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1.0};
  const auto [pt, pp] = calibration_curve(y, p, 3);
  ASSERT_EQ(pt.size(), 3u);
  ASSERT_EQ(pp.size(), 3u);
  EXPECT_DOUBLE_EQ(pt[0], 0.0);
  EXPECT_DOUBLE_EQ(pt[1], 0.5);
  EXPECT_DOUBLE_EQ(pt[2], 1.0);
  EXPECT_NEAR(pp[0], 0.2, 1e-15);
  EXPECT_NEAR(pp[1], 0.525, 1e-15);
  EXPECT_NEAR(pp[2], 0.85, 1e-15);
  // Empty bins are left out: 5 bins, only (0, 0.2] and (0.8, 1] used; 0.2 is
  // on the edge and belongs to the lower bin.
  const auto [t5, p5] = calibration_curve({0, 1, 1}, {0.2, 0.9, 1.0}, 5);
  ASSERT_EQ(t5.size(), 2u);
  EXPECT_DOUBLE_EQ(t5[0], 0.0);
  EXPECT_DOUBLE_EQ(p5[0], 0.2);
  EXPECT_DOUBLE_EQ(t5[1], 1.0);
  EXPECT_DOUBLE_EQ(p5[1], 0.95);
}

// Four rows z = (2, 0), three labelled 0 and one 1: the NLL is minimal where
// softmax(z / T)[0] = sigmoid(2 / T) = 3/4, so 2 / T = ln 3, T = 2 / ln 3.
TEST(Calibration, TemperatureWorkedByHand) {
  const Probabilities z = {{2, 0}, {2, 0}, {2, 0}, {2, 0}};
  const Labels y = {0, 0, 0, 1};
  EXPECT_NEAR(fit_temperature(z, y), 2 / std::log(3.0), 1e-9);
  // Log-probabilities give the same T (softmax is shift invariant).
  Probabilities logp;
  for (const auto& row : apply_temperature(z, 1.0))
    logp.push_back({std::log(row[0]), std::log(row[1])});
  EXPECT_NEAR(fit_temperature(logp, y), 2 / std::log(3.0), 1e-9);
  // Rows without information: T = 1. Always right with a margin: the lower bound.
  EXPECT_EQ(fit_temperature({{1, 1}, {3, 3}}, {0, 1}), 1.0);
  EXPECT_NEAR(fit_temperature({{5, 0}, {0, 5}}, {0, 1}), 0.05, 1e-9);
  // Always wrong: the flattest softmax allowed, the upper bound.
  EXPECT_NEAR(fit_temperature({{5, 0}, {0, 5}}, {1, 0}), 20.0, 1e-6);

  // softmax((0, ln 3) / T): T = 1 -> (1/4, 3/4); T = 2 -> (1, sqrt 3) / (1 + sqrt 3).
  const Probabilities a1 = apply_temperature({{0, std::log(3.0)}}, 1.0);
  EXPECT_NEAR(a1[0][0], 0.25, 1e-15);
  EXPECT_NEAR(a1[0][1], 0.75, 1e-15);
  const Probabilities a2 = apply_temperature({{0, std::log(3.0)}}, 2.0);
  EXPECT_NEAR(a2[0][0], 1 / (1 + std::sqrt(3.0)), 1e-15);
  EXPECT_NEAR(a2[0][1], std::sqrt(3.0) / (1 + std::sqrt(3.0)), 1e-15);
}

// NLL: (-ln 0.75 - ln 0.5) / 2; a zero probability is clipped at 1e-15.
// Brier: (0.25^2 + 0.25^2 + 0.5^2 + 0.5^2) / 2 = 0.3125.
TEST(Calibration, ScoresWorkedByHand) {
  const Probabilities p = {{0.25, 0.75}, {0.5, 0.5}};
  const Labels y = {1, 0};
  EXPECT_NEAR(negative_log_likelihood(p, y), (-std::log(0.75) - std::log(0.5)) / 2, 1e-15);
  EXPECT_NEAR(negative_log_likelihood({{1.0, 0.0}}, {1}), -std::log(1e-15), 1e-9);
  EXPECT_NEAR(brier_score(p, y), 0.3125, 1e-15);
  EXPECT_NEAR(brier_score({{0.0, 1.0, 0.0}}, {1}), 0.0, 1e-15);
  EXPECT_NEAR(brier_score({{0.0, 1.0, 0.0}}, {0}), 2.0, 1e-15);
}

TEST(Calibration, ErrorsNameTheProblem) {
  const Labels y = {0, 1};
  const Probabilities p = {{0.7, 0.3}, {0.4, 0.6}};
  std::string m = expect_error<DataError>([] { top_label_calibration({}, {}); });
  EXPECT_TRUE(has(m, "top_label_calibration") && has(m, "empty")) << m;
  m = expect_error<DataError>([&] { top_label_calibration(y, {{0.7, 0.3}, {0.5, 0.6}}); });
  EXPECT_TRUE(has(m, "sum to")) << m;
  m = expect_error<DataError>([&] { top_label_calibration(y, {{0.7, 0.3}, {kNaN, 0.6}}); });
  EXPECT_TRUE(has(m, "NaN")) << m;
  m = expect_error<DataError>([&] { top_label_calibration({0, 2}, p); });
  EXPECT_TRUE(has(m, "out of range")) << m;
  m = expect_error<DataError>([&] { top_label_calibration({0}, p); });
  EXPECT_TRUE(has(m, "mismatched")) << m;
  m = expect_error<DataError>([&] { top_label_calibration(y, p, 0); });
  EXPECT_TRUE(has(m, "n_bins")) << m;

  m = expect_error<DataError>([] { calibration_curve({}, {}); });
  EXPECT_TRUE(has(m, "empty")) << m;
  m = expect_error<DataError>([] { calibration_curve({0, 2}, {0.1, 0.2}); });
  EXPECT_TRUE(has(m, "0 or 1")) << m;
  m = expect_error<DataError>([] { calibration_curve({0, 1}, {0.1, 1.2}); });
  EXPECT_TRUE(has(m, "outside [0, 1]")) << m;
  m = expect_error<DataError>([] { calibration_curve({0, 1}, {0.1, kNaN}); });
  EXPECT_TRUE(has(m, "NaN")) << m;

  m = expect_error<DataError>([] { fit_temperature({}, {}); });
  EXPECT_TRUE(has(m, "fit_temperature") && has(m, "empty")) << m;
  m = expect_error<DataError>([] { fit_temperature({{1.0, kNaN}}, {0}); });
  EXPECT_TRUE(has(m, "NaN")) << m;
  m = expect_error<DataError>([] { fit_temperature({{1.0, 2.0}}, {2}); });
  EXPECT_TRUE(has(m, "out of range")) << m;
  m = expect_error<DataError>([] { fit_temperature({{1.0, 2.0}, {1.0}}, {0, 0}); });
  EXPECT_TRUE(has(m, "columns")) << m;
  m = expect_error<DataError>([] { apply_temperature({{1.0, 2.0}}, 0.0); });
  EXPECT_TRUE(has(m, "temperature")) << m;
  m = expect_error<DataError>([] { apply_temperature({{1.0, 2.0}}, kNaN); });
  EXPECT_TRUE(has(m, "temperature")) << m;

  m = expect_error<DataError>([] { negative_log_likelihood({}, {}); });
  EXPECT_TRUE(has(m, "empty")) << m;
  m = expect_error<DataError>([] { negative_log_likelihood({{0.5, 0.6}}, {0}); });
  EXPECT_TRUE(has(m, "sum to")) << m;
  m = expect_error<DataError>([] { brier_score({{0.5, 0.5}}, {3}); });
  EXPECT_TRUE(has(m, "out of range")) << m;
  m = expect_error<DataError>([] { brier_score({{kNaN, 0.5}}, {0}); });
  EXPECT_TRUE(has(m, "NaN")) << m;
}

// ---------------------------------------------------------------- referral

TEST(Referral, MatchesNumpyOracle) {
  Rng rng(21);
  std::vector<int> correct;
  Scores u1, u2;
  for (int i = 0; i < 237; ++i) {
    const double u = std::round(rng.uniform() * 10) / 10;  // ties
    correct.push_back(rng.bernoulli(0.95 - 0.6 * u) ? 1 : 0);
    u1.push_back(u);
    u2.push_back(rng.uniform());  // uninformative
  }
  const std::vector<double> custom = {1.0, 0.77, 0.5, 0.33, 0.1, 0.004};
  json in;
  const std::vector<double> fr = default_referral_fractions();
  in["referral"] = json::array({{{"correct", correct}, {"u", u1}, {"fractions", fr}},
                                {{"correct", correct}, {"u", u2}, {"fractions", fr}},
                                {{"correct", correct}, {"u", u1}, {"fractions", custom}}});
  TempDir dir;
  write_text(dir.file("in.json"), in.dump());
  const json o = run_oracle("calibration_numpy.py", {dir.file("in.json")});
  ASSERT_FALSE(o.is_null());
  const ReferralCurve curves[] = {referral_curve(correct, u1), referral_curve(correct, u2),
                                  referral_curve(correct, u1, custom)};
  for (size_t i = 0; i < 3; ++i) {
    const json& e = o["referral"][i];
    const std::string w = "referral case " + std::to_string(i);
    expect_same_vec(curves[i].accuracy, e["accuracy"], kTol, w + " accuracy");
    EXPECT_EQ(json(curves[i].retained), e["retained"]) << w;
    EXPECT_NEAR(curves[i].accuracy_all, e["accuracy_all"].get<double>(), kTol) << w;
  }
  EXPECT_EQ(curves[2].retained_fraction, custom);
  EXPECT_EQ(curves[0].retained_fraction.size(), 11u);
  // Informative uncertainty: accuracy rises as the uncertain are referred.
  EXPECT_GT(curves[0].accuracy.back(), curves[0].accuracy.front() + 0.05);
  EXPECT_NEAR(accuracy_at_referral(correct, u1, 0.5), num(o["referral"][0]["accuracy"][10]), kTol);
}

// correct 1 0 1 1 0, uncertainty 0.1 0.9 0.1 0.3 0.5: least uncertain first
// (stable) = cases 0 2 3 4 1. Keep 5: 3/5; 0.8 -> 4: 3/4; 0.5 -> ceil(2.5) = 3:
// 3/3; 0.2 -> 1: 1/1.
TEST(Referral, WorkedByHand) {
  const std::vector<int> correct = {1, 0, 1, 1, 0};
  const Scores u = {0.1, 0.9, 0.1, 0.3, 0.5};
  const ReferralCurve r = referral_curve(correct, u, {1.0, 0.8, 0.5, 0.2});
  EXPECT_EQ(r.retained, (std::vector<int64_t>{5, 4, 3, 1}));
  EXPECT_EQ(r.retained_fraction, (std::vector<double>{1.0, 0.8, 0.5, 0.2}));
  ASSERT_EQ(r.accuracy.size(), 4u);
  EXPECT_DOUBLE_EQ(r.accuracy[0], 0.6);
  EXPECT_DOUBLE_EQ(r.accuracy[1], 0.75);
  EXPECT_DOUBLE_EQ(r.accuracy[2], 1.0);
  EXPECT_DOUBLE_EQ(r.accuracy[3], 1.0);
  EXPECT_DOUBLE_EQ(r.accuracy_all, 0.6);
  EXPECT_DOUBLE_EQ(accuracy_at_referral(correct, u, 0.2), 0.75);
  EXPECT_DOUBLE_EQ(accuracy_at_referral(correct, u, 0.0), 0.6);
  // Ties keep the lower index first: case 0 (wrong) before case 1 (right).
  EXPECT_DOUBLE_EQ(referral_curve({0, 1}, {0.5, 0.5}, {0.5}).accuracy[0], 0.0);
  EXPECT_DOUBLE_EQ(referral_curve({1, 0}, {0.5, 0.5}, {0.5}).accuracy[0], 1.0);
  // 0.95 * 20 = 19 exactly (not 19.000000000000004 -> 20).
  const std::vector<int> twenty(20, 1);
  EXPECT_EQ(referral_curve(twenty, Scores(20, 0.0), {0.95}).retained[0], 19);
  EXPECT_EQ(default_referral_fractions(),
            (std::vector<double>{1.0, 0.95, 0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.55, 0.5}));
}

TEST(Referral, ErrorsNameTheProblem) {
  const std::vector<int> correct = {1, 0};
  const Scores u = {0.1, 0.2};
  std::string m = expect_error<DataError>([] { referral_curve({}, {}); });
  EXPECT_TRUE(has(m, "referral_curve") && has(m, "empty")) << m;
  m = expect_error<DataError>([&] { referral_curve(correct, {0.1, kNaN}); });
  EXPECT_TRUE(has(m, "NaN")) << m;
  m = expect_error<DataError>([&] { referral_curve({1, 2}, u); });
  EXPECT_TRUE(has(m, "0 or 1")) << m;
  m = expect_error<DataError>([&] { referral_curve(correct, {0.1}); });
  EXPECT_TRUE(has(m, "mismatched")) << m;
  for (double f : {0.0, -0.1, 1.5, kNaN}) {
    m = expect_error<DataError>([&] { referral_curve(correct, u, {1.0, f}); });
    EXPECT_TRUE(has(m, "not in (0, 1]")) << f << ": " << m;
  }
  m = expect_error<DataError>([&] { referral_curve(correct, u, {}); });
  EXPECT_TRUE(has(m, "no retained fractions")) << m;
  for (double r : {1.0, -0.1, kNaN}) {
    m = expect_error<DataError>([&] { accuracy_at_referral(correct, u, r); });
    EXPECT_TRUE(has(m, "accuracy_at_referral") && has(m, "[0, 1)")) << r << ": " << m;
  }
}

// ------------------------------------------------------------- uncertainty

TEST(Uncertainty, MatchesNumpyScipyOracle) {
  Rng rng(31);
  std::vector<Probabilities> sets;
  for (int s = 0; s < 6; ++s) {
    const size_t k = 2 + static_cast<size_t>(s % 3), t = 3 + static_cast<size_t>(4 * s);
    const double spread = 0.3 + 0.5 * s;  // from agreeing to disagreeing samples
    std::vector<double> centre(k);
    for (double& v : centre) v = rng.normal();
    Probabilities set;
    for (size_t i = 0; i < t; ++i) {
      std::vector<double> z = centre;
      for (double& v : z) v += spread * rng.normal();
      set.push_back(softmax(z));
    }
    sets.push_back(set);
  }
  sets.push_back({{1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}});  // zeros: 0 log 0
  json in;
  in["samples"] = sets;
  TempDir dir;
  write_text(dir.file("in.json"), in.dump());
  const json o = run_oracle("calibration_numpy.py", {dir.file("in.json")});
  ASSERT_FALSE(o.is_null());
  for (size_t i = 0; i < sets.size(); ++i) {
    const json& e = o["samples"][i];
    const std::string w = "sample set " + std::to_string(i);
    const PredictiveSummary s = summarize_samples(sets[i]);
    expect_same_vec(s.mean, e["mean"], kTol, w + " mean");
    EXPECT_NEAR(s.entropy, e["entropy"].get<double>(), kTol) << w;
    EXPECT_NEAR(entropy(s.mean), e["entropy"].get<double>(), kTol) << w;
    EXPECT_NEAR(s.expected_entropy, e["expected_entropy"].get<double>(), kTol) << w;
    EXPECT_NEAR(s.mutual_information, e["mutual_information"].get<double>(), kTol) << w;
    EXPECT_NEAR(s.variance, e["variance"].get<double>(), kTol) << w;
    EXPECT_EQ(s.vote, e["vote"].get<int64_t>()) << w;
    EXPECT_NEAR(s.vote_agreement, e["vote_agreement"].get<double>(), kTol) << w;
  }
}

TEST(Uncertainty, WorkedByHand) {
  // Two confident samples that disagree: H(mean) = ln 2, E[H] = 0, MI = ln 2;
  // per-class variance of {1, 0} is 1/4; one vote each -> class 0, half agree.
  PredictiveSummary s = summarize_samples({{1, 0}, {0, 1}});
  EXPECT_EQ(s.mean, (std::vector<double>{0.5, 0.5}));
  EXPECT_NEAR(s.entropy, std::log(2.0), 1e-15);
  EXPECT_EQ(s.expected_entropy, 0.0);
  EXPECT_NEAR(s.mutual_information, std::log(2.0), 1e-15);
  EXPECT_DOUBLE_EQ(s.variance, 0.25);
  EXPECT_EQ(s.vote, 0);
  EXPECT_DOUBLE_EQ(s.vote_agreement, 0.5);
  // Two identical flat samples: all aleatoric, MI = 0, variance 0.
  s = summarize_samples({{0.5, 0.5}, {0.5, 0.5}});
  EXPECT_NEAR(s.entropy, std::log(2.0), 1e-15);
  EXPECT_NEAR(s.expected_entropy, std::log(2.0), 1e-15);
  EXPECT_EQ(s.mutual_information, 0.0);
  EXPECT_EQ(s.variance, 0.0);
  EXPECT_EQ(s.vote, 0);
  EXPECT_EQ(s.vote_agreement, 1.0);
  // Three samples voting 2, 1, 2: vote 2, agreement 2/3.
  s = summarize_samples({{0.1, 0.2, 0.7}, {0.2, 0.5, 0.3}, {0.3, 0.3, 0.4}});
  EXPECT_EQ(s.vote, 2);
  EXPECT_NEAR(s.vote_agreement, 2.0 / 3, 1e-15);
  // 0.5 ln 2 + 2 * 0.25 ln 4 = 1.5 ln 2; 0 log 0 = 0.
  EXPECT_NEAR(entropy({0.5, 0.25, 0.25, 0.0}), 1.5 * std::log(2.0), 1e-15);
  EXPECT_EQ(entropy({1.0, 0.0}), 0.0);
}

TEST(Uncertainty, ErrorsNameTheProblem) {
  std::string m = expect_error<DataError>([] { summarize_samples({}); });
  EXPECT_TRUE(has(m, "summarize_samples") && has(m, "empty")) << m;
  m = expect_error<DataError>([] { summarize_samples({{0.5, 0.5}, {0.7, 0.7}}); });
  EXPECT_TRUE(has(m, "sum to")) << m;
  m = expect_error<DataError>([] { summarize_samples({{0.5, kNaN}}); });
  EXPECT_TRUE(has(m, "NaN")) << m;
  m = expect_error<DataError>([] { summarize_samples({{0.5, 0.5}, {1.0}}); });
  EXPECT_TRUE(has(m, "columns")) << m;
  m = expect_error<DataError>([] { entropy({}); });
  EXPECT_TRUE(has(m, "entropy") && has(m, "empty")) << m;
  m = expect_error<DataError>([] { entropy({0.5, kNaN}); });
  EXPECT_TRUE(has(m, "entropy")) << m;
  m = expect_error<DataError>([] { entropy({1.5, -0.5}); });
  EXPECT_TRUE(has(m, ">= 0")) << m;
}

// -------------------------------------------------------------------- plots

TEST(Calibration, ReliabilityDiagramSvg) {
  const Labels y = {0, 0, 0, 1};
  const Probabilities p = {{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}, {0.5, 0.5}};
  const Calibration c = top_label_calibration(y, p, 4);  // 3 non-empty bins of 4
  const std::string svg = reliability_diagram_svg(c, "Model <A> & B");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u) << svg.substr(0, 80);
  EXPECT_TRUE(has(svg, "data-chart=\"reliability\""));
  EXPECT_TRUE(has(svg, "Model &lt;A&gt; &amp; B"));
  EXPECT_FALSE(has(svg, "<A>"));
  EXPECT_TRUE(has(svg, "ECE " + format_number(c.ece))) << format_number(c.ece);
  EXPECT_TRUE(has(svg, "ECE 0.4")) << "(0.5 + 0.4 + 2 * 0.35) / 4 = 0.4";
  EXPECT_TRUE(has(svg, "n = 4"));
  EXPECT_EQ(count_of(svg, "<polyline class=\"series\""), 1);
  EXPECT_TRUE(has(svg, "data-series=\"Accuracy\" data-n=\"16\""));  // 4 corners per bin
  EXPECT_EQ(count_of(svg, "class=\"gap\""), 3);
  EXPECT_EQ(count_of(svg, "class=\"reference diagonal\""), 1);
  EXPECT_TRUE(has(svg, "Perfect calibration"));
  expect_well_formed(svg);
}

TEST(Referral, CurveSvg) {
  const std::vector<int> correct = {1, 0, 1, 1, 0};
  const Scores u = {0.1, 0.9, 0.1, 0.3, 0.5};
  const std::vector<std::pair<std::string, ReferralCurve>> curves = {
      {"entropy", referral_curve(correct, u)},
      {"mutual information", referral_curve(correct, {0.5, 0.4, 0.3, 0.2, 0.1})},
      {"random \"baseline\"", referral_curve(correct, {0, 0, 0, 0, 0})}};
  const std::string svg = referral_curve_svg(curves, "Referral");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_TRUE(has(svg, "data-chart=\"referral\""));
  EXPECT_EQ(count_of(svg, "<polyline class=\"series\""), 3);
  EXPECT_TRUE(has(svg, "data-series=\"entropy\" data-n=\"11\""));
  EXPECT_TRUE(has(svg, "data-series=\"mutual information\""));
  EXPECT_TRUE(has(svg, "random &quot;baseline&quot;"));
  expect_well_formed(svg);
  const std::string none = referral_curve_svg({}, "Nothing yet");
  EXPECT_EQ(count_of(none, "<polyline"), 0);
  expect_well_formed(none);
}
