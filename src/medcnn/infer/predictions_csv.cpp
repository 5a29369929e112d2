#include "medcnn/infer/predictions_csv.h"

#include <filesystem>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/csv.h"
#include "medcnn/io/files.h"

namespace medcnn {

const std::vector<std::string> kUncertaintyColumns = {"entropy", "mutual_information",
                                                      "variance", "vote_disagreement"};

namespace {
constexpr int kCsvDigits = 6;  // significant digits of the written probabilities

double as_written(double p) {
  std::ostringstream s;
  s.precision(kCsvDigits);
  s << p;
  return std::stod(s.str());
}
}  // namespace

std::vector<int64_t> decide(const Predictions& predictions, const DecisionRule& rule) {
  // On the probabilities as the CSV writes them: a case whose probability
  // lies within rounding of the threshold (the threshold is often one of the
  // validation probabilities) then gets the same class from `predict` as
  // from `evaluate --predictions` reading the file back.
  std::vector<std::vector<double>> written = predictions.probabilities;
  for (auto& row : written)
    for (double& p : row) p = as_written(p);
  return predict(rule, written);
}

DecisionRule rule_from_meta(const nlohmann::json& meta) {
  const std::string name = meta.value("threshold_rule", "argmax");
  if (name == "argmax" || !meta.contains("threshold")) return DecisionRule::argmax();
  DecisionRule r;
  r.name = name;
  r.threshold = meta["threshold"].get<double>();
  return r;
}

void write_predictions_csv(const std::string& path, const Predictions& pr,
                           const std::vector<std::string>& classes,
                           const std::vector<int64_t>& decided) {
  std::ostringstream s;
  s << "id,label,predicted";
  for (const auto& c : classes) s << "," << csv_quote("p_" + c);
  for (const auto& [name, values] : pr.uncertainty) {
    if (values.size() != pr.ids.size())
      throw DataError(path, "uncertainty '" + name + "' does not have one value per case");
    s << "," << name;
  }
  const bool votes = !pr.votes.empty();
  if (votes && pr.votes.size() != pr.ids.size())
    throw DataError(path, "the votes do not have one value per case");
  if (votes) s << ",vote";
  s << "\n";
  s.precision(kCsvDigits);
  for (size_t i = 0; i < pr.ids.size(); ++i) {
    const int64_t y = pr.labels[i];
    s << csv_quote(pr.ids[i]) << "," << (y >= 0 && y < (int64_t)classes.size() ? csv_quote(classes[y]) : "")
      << "," << csv_quote(classes.at(decided[i]));
    for (double p : pr.probabilities[i]) s << "," << p;
    for (const auto& [name, values] : pr.uncertainty) s << "," << values[i];
    if (votes) s << "," << csv_quote(classes.at(pr.votes[i]));
    s << "\n";
  }
  write_file_atomically(path, s.str());
}

Predictions read_predictions_csv(const std::string& path, std::vector<std::string>* class_names) {
  if (!std::filesystem::is_regular_file(path))
    throw IoError(path, "predictions file not found");
  auto records = parse_csv(path, read_file(path));
  if (records.empty()) throw FormatError(path, "empty predictions file");
  const auto& header = records[0].fields;
  if (header.size() < 5 || header[0] != "id" || header[1] != "label" || header[2] != "predicted")
    throw FormatError(path, "line 1: expected the columns id,label,predicted,p_<class>,... "
                            "(two classes at least)");
  std::vector<std::string> classes;
  size_t first_extra = 3;
  for (; first_extra < header.size() && header[first_extra].rfind("p_", 0) == 0; ++first_extra)
    classes.push_back(header[first_extra].substr(2));
  size_t vote_column = header.size();
  for (size_t c = first_extra; c < header.size(); ++c)
    if (header[c] == "vote")
      vote_column = c;
    else if (std::find(kUncertaintyColumns.begin(), kUncertaintyColumns.end(), header[c]) ==
             kUncertaintyColumns.end())
      throw FormatError(path, "line 1: column '" + header[c] +
                                  "' should be p_<class>, an uncertainty (entropy, "
                                  "mutual_information, variance, vote_disagreement) or vote");
  if (classes.size() < 2)
    throw FormatError(path, "line 1: expected p_<class> columns for two classes at least");
  Predictions out;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& cells = records[r].fields;
    const std::string where = path + ": line " + std::to_string(records[r].line);
    if (cells.size() != header.size())
      throw FormatError(where, "expected " + std::to_string(header.size()) + " columns, found " +
                                   std::to_string(cells.size()));
    int64_t label = -1;
    if (!cells[1].empty()) {
      auto it = std::find(classes.begin(), classes.end(), cells[1]);
      if (it == classes.end()) throw FormatError(where, "label '" + cells[1] + "' is not a class");
      label = it - classes.begin();
    }
    std::vector<double> p;
    for (size_t c = 3; c < cells.size(); ++c) {
      if (c == vote_column) {
        auto it = std::find(classes.begin(), classes.end(), cells[c]);
        if (it == classes.end()) throw FormatError(where, "vote '" + cells[c] + "' is not a class");
        out.votes.push_back(it - classes.begin());
        continue;
      }
      double v = 0;
      try {
        size_t used = 0;
        v = std::stod(cells[c], &used);
        if (used != cells[c].size() || !std::isfinite(v)) throw std::invalid_argument("");
      } catch (const std::exception&) {
        throw FormatError(where, std::string(c < first_extra ? "probability" : header[c]) + " '" +
                                     cells[c] + "' is not a finite number");
      }
      if (c < first_extra) p.push_back(v);
      else out.uncertainty[header[c]].push_back(v);
    }
    out.ids.push_back(cells[0]);
    out.labels.push_back(label);
    out.probabilities.push_back(std::move(p));
  }
  if (out.ids.empty()) throw FormatError(path, "no prediction rows");
  if (class_names) *class_names = classes;
  return out;
}

}  // namespace medcnn
