// Predictions as CSV: one row per case, the format `medcnn predict` writes
// and `medcnn evaluate --predictions` reads.
//
// Columns: id, label (the true class name, empty when unknown), predicted
// (the decided class name), then p_<class> for every class (probabilities,
// 6 significant digits), then the predictions' uncertainty measures
// (kUncertaintyColumns, in name order; Predictor), then, when the
// predictions hold votes, `vote` (the class name). Written atomically.
// read_predictions_csv: IoError for a missing file; FormatError naming the
// file and line for a bad row (wrong column count, a probability that is
// not a number, an unknown label name). Class names come from the p_ columns.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "medcnn/infer/predictor.h"
#include "medcnn/metrics/operating_point.h"

namespace medcnn {

extern const std::vector<std::string> kUncertaintyColumns;

void write_predictions_csv(const std::string& path, const Predictions& predictions,
                           const std::vector<std::string>& class_names,
                           const std::vector<int64_t>& decided);
Predictions read_predictions_csv(const std::string& path, std::vector<std::string>* class_names);

// The decided class per case under a rule (argmax, or for two classes
// p(class 1) >= the rule's threshold), from the probabilities rounded as
// write_predictions_csv writes them (6 significant digits), so a file's
// "predicted" column follows from its own probability columns.
std::vector<int64_t> decide(const Predictions& predictions, const DecisionRule& rule);
// The rule stored with a model (meta "threshold_rule", "threshold").
DecisionRule rule_from_meta(const nlohmann::json& meta);

}  // namespace medcnn
