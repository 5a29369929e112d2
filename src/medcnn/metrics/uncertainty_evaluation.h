// Does the uncertainty mean something? The calibration and referral section
// of an evaluation (`medcnn evaluate`, the training's validation report).
//
// evaluate_uncertainty(y, probs, decided, measures, n_bins) returns JSON:
//   {"accuracy": share of decided == y,
//    "calibration": {"ece", "mce", "nll", "brier", "n_bins",
//                    "bins": [{"lower", "upper", "count", "confidence", "accuracy"}]},
//    "referral": {measure: {"retained_fraction": [...], "accuracy": [...],
//                           "accuracy_refer_10": accuracy on the 90% least
//                           uncertain cases, "gain_refer_10": that minus "accuracy"}}}
// Calibration is top-label (metrics/calibration.h: top_label_calibration,
// negative_log_likelihood, brier_score); NaN values (empty bins) are null.
// Referral (metrics/referral.h) ranks the cases by each measure: the given
// ones (per case, e.g. "entropy", "mutual_information" from the predictor)
// and always "least_confidence" = 1 - max_k p_k. A case is correct when the
// decided class (the model's decision rule) equals y.
// referral_section(correct 0/1 per case, measures): that "referral" object
// alone, for any notion of a correct case (a box with IoU >= 0.5, a true
// positive detection); "gain_refer_10" is against the share correct.
// Errors: DataError for sizes that differ (metrics/check.h for the rest).
#pragma once
#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "medcnn/metrics/types.h"

namespace medcnn {

nlohmann::json referral_section(const std::vector<int>& correct,
                                const std::map<std::string, std::vector<double>>& measures);

nlohmann::json evaluate_uncertainty(const Labels& y, const Probabilities& probs,
                                    const Labels& decided,
                                    const std::map<std::string, std::vector<double>>& measures,
                                    int n_bins = 15);

}  // namespace medcnn
