// Calibration of predicted probabilities: reliability bins, expected and
// maximum calibration error, scikit-learn's binary calibration curve,
// temperature scaling, negative log-likelihood and the Brier score.
//
// Binning (top_label_calibration and calibration_curve alike): n_bins
// equal-width bins over [0, 1] with edges e_i = i * (1 / n_bins), as
// numpy.linspace(0, 1, n_bins + 1) computes them. A value c falls in the bin
// (e_b, e_{b+1}]: upper edges are inclusive, as in Guo et al. 2017 (the
// gpleiss/temperature_scaling ECE) and numpy.searchsorted(edges[1:-1], c)
// in sklearn.calibration.calibration_curve; c == 0 goes to the first bin.
//
// top_label_calibration(y in [0,k), p [n][k] rows summing to 1, n_bins):
// the confidence of a case is its largest probability, it is correct when its
// argmax (ties -> lowest class index) equals y. Every bin is reported, an
// empty one with count 0 and NaN mean_confidence / accuracy.
// ECE = sum_b (n_b / n) |accuracy_b - mean_confidence_b|; MCE = the largest
// |accuracy_b - mean_confidence_b| over non-empty bins.
//
// calibration_curve(y 0/1, p_pos in [0,1], n_bins): exactly
// sklearn.calibration.calibration_curve(y, p, n_bins, strategy="uniform")
// of scikit-learn 1.2: (prob_true, prob_pred) = (fraction of positives, mean
// predicted probability) of each NON-EMPTY bin, lowest bin first.
//
// fit_temperature(logits [n][k], y): the temperature T that minimises the
// mean negative log-likelihood of softmax(z / T) (temperature scaling, Guo
// et al. 2017). Rows may be logits or log-probabilities (softmax is shift
// invariant). T is searched in [0.05, 20]: golden-section search on log T,
// then Newton steps on 1/T (the NLL is convex in 1/T); when the optimum lies
// outside the range the nearest bound is returned. Logits that are constant
// along every row (no information) give T = 1.
// apply_temperature(logits, T): the rows softmax(z / T) (T > 0, finite).
//
// negative_log_likelihood(p, y): mean of -log p[y], each row first clipped
// to [1e-15, 1 - 1e-15] and renormalised, as sklearn.metrics.log_loss(eps=1e-15)
// does (sklearn 1.2's default eps="auto" clips at 2.2e-16 instead; the two
// agree unless a probability is below 1e-15).
// brier_score(p, y): the multi-class Brier score, mean over cases of
// sum_k (p_k - [y == k])^2, in [0, 2]. For two classes this is TWICE
// sklearn.metrics.brier_score_loss(y, p[:,1]), which only scores the
// positive column.
//
// Errors: DataError (metrics/check.h) for empty input, mismatched lengths,
// labels out of range (non-binary labels for calibration_curve), NaN or
// infinite values, probability rows not summing to 1, p_pos outside [0, 1],
// n_bins < 1 and a temperature that is not positive and finite.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

struct ReliabilityBin {
  double lower = 0, upper = 0;  // the bin is (lower, upper] (the first also holds 0)
  int64_t count = 0;            // cases whose confidence falls in the bin
  double mean_confidence = 0;   // NaN when count == 0
  double accuracy = 0;          // share of correct cases; NaN when count == 0
};

struct Calibration {
  std::vector<ReliabilityBin> bins;  // all n_bins bins, lowest first
  double ece = 0, mce = 0;
  int64_t n = 0;                     // cases
};

Calibration top_label_calibration(const Labels& y, const Probabilities& p, int n_bins = 15);

std::pair<std::vector<double>, std::vector<double>> calibration_curve(const Labels& y01,
                                                                      const Scores& p_pos,
                                                                      int n_bins = 5);

double fit_temperature(const Probabilities& log_probs_or_logits, const Labels& y);
Probabilities apply_temperature(const Probabilities& logits, double T);

double negative_log_likelihood(const Probabilities& p, const Labels& y);
double brier_score(const Probabilities& p, const Labels& y);

}  // namespace medcnn
