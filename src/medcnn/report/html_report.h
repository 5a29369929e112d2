// The HTML evaluation report of a classification model: one self-contained
// file (inline CSS, inline SVG; no script, font, image or style sheet from
// anywhere else), readable offline and printable.
//
// render_classification_report(evaluation, history, options) returns the
// page; write_classification_report(path, ...) writes it atomically (a
// temporary name renamed into place; IoError naming path on failure).
//
// evaluation: the JSON of the metrics module's classification report:
//   {"task":"classification","classes":[names],"n":N,"class_counts":[...],
//    "positive_class":1,"threshold":t,"threshold_rule":"youden|...",  (binary)
//    "metrics":{"auc":{"value":v,"ci95":[lo,hi]},...},
//    "confusion_matrix":[[...],...],
//    "roc":{"fpr":[],"tpr":[],"thresholds":[]},                         (binary)
//    "pr":{"precision":[],"recall":[],"thresholds":[]},                 (binary)
//    "per_class":[{"class":name,"auc":..,"support":..,"roc":{..},"pr":{..}},...]}
// Required: "classes" (array of names) and "confusion_matrix" (k x k numbers);
// a missing, null or wrongly typed one throws FormatError naming the key
// ("evaluation.classes: ..."), as does a "task" other than classification or
// a present section of the wrong type (e.g. "roc" not an object, fpr and tpr
// of different lengths). Any other section may be missing or null: its panel
// is left out. A null metric value is shown as "n/a"; a missing or null ci95
// leaves the interval cell empty.
//
// The page holds: a header (title, run description), a summary (n, class
// counts, decision threshold and rule), the metrics table (value and 95% CI),
// a per-class table, the ROC curve (binary: one curve, AUC in the legend,
// chance diagonal, the operating point marked; multi-class: one curve per
// class), the PR curve (same, with the prevalence baseline), the confusion
// matrix, and training curves from history (losses: every column ending in
// "loss"; the other metrics; the learning rate "lr") when history is not
// empty. See docs/report.md.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "medcnn/report/training_history.h"

namespace medcnn {

struct HtmlReportOptions {
  std::string title = "Classification report";
  // Run description, shown in order as a key/value table under the title:
  // {"network", "resnet18"}, {"checkpoint", "runs/a/best.pt"}, {"data", ...}.
  std::vector<std::pair<std::string, std::string>> description;
  // Further <section> elements (HTML), placed after the uncertainty section,
  // e.g. the explained errors of `medcnn evaluate`.
  std::vector<std::string> sections;
};

std::string render_classification_report(const nlohmann::json& evaluation,
                                         const std::vector<TrainingRecord>& history = {},
                                         const HtmlReportOptions& options = {});

void write_classification_report(const std::string& path, const nlohmann::json& evaluation,
                                 const std::vector<TrainingRecord>& history = {},
                                 const HtmlReportOptions& options = {});

}  // namespace medcnn
