#include "medcnn/metrics/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "medcnn/core/error.h"
#include "medcnn/metrics/check.h"

namespace medcnn {

namespace {

using metrics_detail::check_labels;
using metrics_detail::check_probabilities;
using metrics_detail::check_same_length;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_bins(const std::string& where, int n_bins) {
  if (n_bins < 1)
    throw DataError(where, "n_bins must be at least 1, got " + std::to_string(n_bins));
}

// Edge i of n_bins equal-width bins over [0, 1], as numpy.linspace computes it.
double edge(int i, int n_bins) {
  if (i >= n_bins) return 1.0;
  return static_cast<double>(i) * (1.0 / static_cast<double>(n_bins));
}

// The bin (e_b, e_{b+1}] holding c (c <= e_1, 0 included, goes to bin 0): the
// number of interior edges strictly below c, as numpy.searchsorted(side="left").
int bin_of(double c, int n_bins) {
  int b = std::clamp(static_cast<int>(std::ceil(c * n_bins)) - 1, 0, n_bins - 1);
  while (b > 0 && c <= edge(b, n_bins)) --b;
  while (b < n_bins - 1 && c > edge(b + 1, n_bins)) ++b;
  return b;
}

// Rows of real numbers (logits): non-empty, same width >= 2, all finite.
size_t check_logits(const std::string& where, const Probabilities& z) {
  metrics_detail::check_not_empty(where, z.size());
  const size_t k = z[0].size();
  if (k < 2)
    throw DataError(where, "logits need at least 2 columns (classes), got " + std::to_string(k));
  for (size_t i = 0; i < z.size(); ++i) {
    if (z[i].size() != k) {
      std::ostringstream os;
      os << "logit row " << i << " has " << z[i].size() << " columns, row 0 has " << k;
      throw DataError(where, os.str());
    }
    for (size_t c = 0; c < k; ++c)
      if (!std::isfinite(z[i][c])) {
        std::ostringstream os;
        os << "logit of case " << i << ", class " << c << " is "
           << (std::isnan(z[i][c]) ? "NaN" : "infinite");
        throw DataError(where, os.str());
      }
  }
  return k;
}

// Mean NLL of softmax(beta * z) and, when asked, its first and second
// derivatives with respect to beta (mean of E_q[z] - z_y and of Var_q[z]).
double nll_at(const Probabilities& z, const Labels& y, double beta, double* grad = nullptr,
              double* hess = nullptr) {
  double sum = 0, g = 0, h = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    const auto& row = z[i];
    double m = -std::numeric_limits<double>::infinity();
    for (double v : row) m = std::max(m, beta * v);
    double s = 0, s1 = 0, s2 = 0;
    for (double v : row) {
      const double e = std::exp(beta * v - m);
      s += e;
      s1 += e * v;
      s2 += e * v * v;
    }
    const double zy = row[static_cast<size_t>(y[i])];
    sum += m + std::log(s) - beta * zy;
    const double mean = s1 / s;
    g += mean - zy;
    h += std::max(0.0, s2 / s - mean * mean);
  }
  const double n = static_cast<double>(z.size());
  if (grad) *grad = g / n;
  if (hess) *hess = h / n;
  return sum / n;
}

}  // namespace

Calibration top_label_calibration(const Labels& y, const Probabilities& p, int n_bins) {
  const std::string where = "top_label_calibration";
  check_bins(where, n_bins);
  const int k = check_probabilities(where, p);
  check_same_length(where, "y", y.size(), "probabilities", p.size());
  check_labels(where, y, k, "y");

  std::vector<double> conf_sum(static_cast<size_t>(n_bins), 0.0);
  std::vector<int64_t> correct(static_cast<size_t>(n_bins), 0), count(conf_sum.size(), 0);
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& row = p[i];
    const size_t arg = static_cast<size_t>(std::max_element(row.begin(), row.end()) - row.begin());
    const double c = row[arg];
    const size_t b = static_cast<size_t>(bin_of(c, n_bins));
    ++count[b];
    conf_sum[b] += c;
    if (static_cast<int64_t>(arg) == y[i]) ++correct[b];
  }
  Calibration cal;
  cal.n = static_cast<int64_t>(p.size());
  const double n = static_cast<double>(p.size());
  for (int b = 0; b < n_bins; ++b) {
    const size_t bi = static_cast<size_t>(b);
    ReliabilityBin bin;
    bin.lower = edge(b, n_bins);
    bin.upper = edge(b + 1, n_bins);
    bin.count = count[bi];
    if (bin.count == 0) {
      bin.mean_confidence = bin.accuracy = kNaN;
    } else {
      const double m = static_cast<double>(bin.count);
      bin.mean_confidence = conf_sum[bi] / m;
      bin.accuracy = static_cast<double>(correct[bi]) / m;
      const double gap = std::abs(bin.accuracy - bin.mean_confidence);
      cal.ece += m / n * gap;
      cal.mce = std::max(cal.mce, gap);
    }
    cal.bins.push_back(bin);
  }
  return cal;
}

std::pair<std::vector<double>, std::vector<double>> calibration_curve(const Labels& y01,
                                                                      const Scores& p_pos,
                                                                      int n_bins) {
  const std::string where = "calibration_curve";
  check_bins(where, n_bins);
  metrics_detail::check_binary_labels(where, y01);
  metrics_detail::check_scores(where, p_pos);
  check_same_length(where, "y_true", y01.size(), "p_pos", p_pos.size());
  for (size_t i = 0; i < p_pos.size(); ++i)
    if (p_pos[i] < 0 || p_pos[i] > 1) {
      std::ostringstream os;
      os << "p_pos[" << i << "] = " << p_pos[i] << " is outside [0, 1]";
      throw DataError(where, os.str());
    }
  const size_t nb = static_cast<size_t>(n_bins);
  std::vector<double> sum_p(nb, 0.0), sum_y(nb, 0.0);
  std::vector<int64_t> total(nb, 0);
  for (size_t i = 0; i < p_pos.size(); ++i) {
    const size_t b = static_cast<size_t>(bin_of(p_pos[i], n_bins));
    sum_p[b] += p_pos[i];
    sum_y[b] += static_cast<double>(y01[i]);
    ++total[b];
  }
  std::pair<std::vector<double>, std::vector<double>> out;
  for (size_t b = 0; b < nb; ++b) {
    if (total[b] == 0) continue;
    const double m = static_cast<double>(total[b]);
    out.first.push_back(sum_y[b] / m);
    out.second.push_back(sum_p[b] / m);
  }
  return out;
}

double fit_temperature(const Probabilities& z, const Labels& y) {
  const std::string where = "fit_temperature";
  const size_t k = check_logits(where, z);
  check_same_length(where, "y", y.size(), "logits", z.size());
  check_labels(where, y, static_cast<int>(k), "y");

  // Rows constant along the classes carry no information: any T is optimal.
  bool informative = false;
  for (const auto& row : z) {
    const auto [lo, hi] = std::minmax_element(row.begin(), row.end());
    if (*hi > *lo) { informative = true; break; }
  }
  if (!informative) return 1.0;

  const double t_min = 0.05, t_max = 20.0;
  const double beta_min = 1.0 / t_max, beta_max = 1.0 / t_min;
  // Golden-section search on s = log T (the NLL is unimodal in s, being
  // convex in beta = 1/T = exp(-s)).
  auto f = [&](double log_t) { return nll_at(z, y, std::exp(-log_t)); };
  const double phi = (std::sqrt(5.0) - 1) / 2;  // 0.618...
  double a = std::log(t_min), b = std::log(t_max);
  double c = b - phi * (b - a), d = a + phi * (b - a);
  double fc = f(c), fd = f(d);
  while (b - a > 1e-9) {
    if (fc <= fd) {
      b = d; d = c; fd = fc;
      c = b - phi * (b - a); fc = f(c);
    } else {
      a = c; c = d; fc = fd;
      d = a + phi * (b - a); fd = f(d);
    }
  }
  double s = (a + b) / 2;
  // Polish with Newton steps on beta (near the optimum the NLL is too flat
  // for comparisons of its values, its derivative is not): a step is kept
  // while it stays in range and shrinks the derivative.
  double beta = std::clamp(std::exp(-s), beta_min, beta_max);
  double g = 0, h = 0;
  nll_at(z, y, beta, &g, &h);
  for (int it = 0; it < 20 && g != 0; ++it) {
    if (!(h > 0)) break;
    const double next = beta - g / h;
    if (!(next >= beta_min && next <= beta_max)) break;
    double g2 = 0, h2 = 0;
    nll_at(z, y, next, &g2, &h2);
    if (!(std::abs(g2) < std::abs(g))) break;
    beta = next;
    g = g2;
    h = h2;
  }
  return 1.0 / beta;
}

Probabilities apply_temperature(const Probabilities& logits, double T) {
  const std::string where = "apply_temperature";
  check_logits(where, logits);
  if (!(T > 0) || !std::isfinite(T)) {
    std::ostringstream os;
    os << "temperature must be positive and finite, got " << T;
    throw DataError(where, os.str());
  }
  Probabilities out;
  out.reserve(logits.size());
  for (const auto& row : logits) {
    const double m = *std::max_element(row.begin(), row.end());
    std::vector<double> p(row.size());
    double s = 0;
    for (size_t c = 0; c < row.size(); ++c) s += p[c] = std::exp((row[c] - m) / T);
    for (double& v : p) v /= s;
    out.push_back(std::move(p));
  }
  return out;
}

double negative_log_likelihood(const Probabilities& p, const Labels& y) {
  const std::string where = "negative_log_likelihood";
  const int k = check_probabilities(where, p);
  check_same_length(where, "y", y.size(), "probabilities", p.size());
  check_labels(where, y, k, "y");
  constexpr double eps = 1e-15;
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double row_sum = 0;
    for (double v : p[i]) row_sum += std::clamp(v, eps, 1 - eps);
    const double py = std::clamp(p[i][static_cast<size_t>(y[i])], eps, 1 - eps) / row_sum;
    sum -= std::log(py);
  }
  return sum / static_cast<double>(p.size());
}

double brier_score(const Probabilities& p, const Labels& y) {
  const std::string where = "brier_score";
  const int k = check_probabilities(where, p);
  check_same_length(where, "y", y.size(), "probabilities", p.size());
  check_labels(where, y, k, "y");
  double sum = 0;
  for (size_t i = 0; i < p.size(); ++i)
    for (size_t c = 0; c < p[i].size(); ++c) {
      const double d = p[i][c] - (static_cast<int64_t>(c) == y[i] ? 1.0 : 0.0);
      sum += d * d;
    }
  return sum / static_cast<double>(p.size());
}

}  // namespace medcnn
