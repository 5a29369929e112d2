#include "medcnn/report/html_report.h"
#include "medcnn/report/uncertainty_section.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_page.h"
#include "medcnn/report/svg.h"

namespace medcnn {

using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void bad(const std::string& key, const std::string& reason) {
  throw FormatError("evaluation." + key, reason);
}

// A present, non-null member of an object; nullptr otherwise.
const json* member(const json& obj, const std::string& key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

// A metric as written by the metrics module: a number, null, or
// {"value": v, "ci95": [lo, hi]}. Anything else reads as undefined.
struct MetricValue {
  double value = kNaN;
  bool has_ci = false;
  double lo = kNaN, hi = kNaN;
};

double number_or_nan(const json* j) {
  return j && j->is_number() ? j->get<double>() : kNaN;
}

MetricValue read_metric(const json* j) {
  MetricValue m;
  if (!j) return m;
  if (j->is_number()) {
    m.value = j->get<double>();
  } else if (j->is_object()) {
    m.value = number_or_nan(member(*j, "value"));
    if (const json* ci = member(*j, "ci95"); ci && ci->is_array() && ci->size() == 2) {
      m.has_ci = true;
      m.lo = number_or_nan(&(*ci)[0]);
      m.hi = number_or_nan(&(*ci)[1]);
    }
  }
  return m;
}

std::vector<double> number_array(const json& j, const std::string& key) {
  if (!j.is_array()) bad(key, std::string("expected an array of numbers, got ") + j.type_name());
  std::vector<double> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    const json& v = j[i];
    if (v.is_null()) out.push_back(kNaN);
    else if (v.is_number()) out.push_back(v.get<double>());
    else if (v.is_string() && (v == "inf" || v == "Infinity")) out.push_back(HUGE_VAL);
    else bad(key, "element " + std::to_string(i) + " is a " + v.type_name() + ", expected a number");
  }
  return out;
}

// A curve: (a, b) = (fpr, tpr) for ROC or (recall, precision) for PR.
struct Curve {
  std::vector<double> a, b, thresholds;
};

std::optional<Curve> read_curve(const json* j, const std::string& key, const char* a_key,
                                const char* b_key) {
  if (!j) return std::nullopt;
  if (!j->is_object()) bad(key, std::string("expected an object, got ") + j->type_name());
  const json* a = member(*j, a_key);
  const json* b = member(*j, b_key);
  if (!a) bad(key + "." + a_key, "missing");
  if (!b) bad(key + "." + b_key, "missing");
  Curve c;
  c.a = number_array(*a, key + "." + a_key);
  c.b = number_array(*b, key + "." + b_key);
  if (c.a.size() != c.b.size())
    bad(key, std::string(a_key) + " has " + std::to_string(c.a.size()) + " values but " + b_key +
                 " has " + std::to_string(c.b.size()));
  if (const json* t = member(*j, "thresholds")) c.thresholds = number_array(*t, key + ".thresholds");
  return c;
}

struct PerClass {
  std::string name;
  const json* entry = nullptr;
  std::optional<Curve> roc, pr;
};

struct Evaluation {
  std::vector<std::string> classes;
  std::vector<std::vector<double>> cm;
  double n = kNaN;
  std::vector<double> class_counts;
  int positive = -1;  // binary only
  double threshold = kNaN;
  std::string rule;
  const json* metrics = nullptr;
  std::optional<Curve> roc, pr;
  std::vector<PerClass> per_class;

  MetricValue metric(const std::string& name) const {
    return read_metric(metrics ? member(*metrics, name) : nullptr);
  }
  bool binary() const { return classes.size() == 2; }
  // Fraction of samples in class c (count / n), NaN when unknown.
  double prevalence(size_t c) const {
    double count = kNaN, total = kNaN;
    if (class_counts.size() == classes.size()) {
      count = class_counts[c];
      total = 0;
      for (double v : class_counts) total += v;
    } else if (c < cm.size()) {
      count = 0, total = 0;
      for (size_t i = 0; i < cm.size(); ++i)
        for (double v : cm[i]) {
          total += v;
          if (i == c) count += v;
        }
    }
    return total > 0 ? count / total : kNaN;
  }
};

std::string class_name(const json& v, const std::string& key) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return format_number(v.get<double>(), 15);
  bad(key, std::string("class names must be strings, got ") + v.type_name());
}

Evaluation parse(const json& e) {
  if (!e.is_object())
    throw FormatError("evaluation", std::string("expected a JSON object, got ") + e.type_name());
  Evaluation ev;
  if (const json* t = member(e, "task")) {
    if (!t->is_string() || *t != "classification")
      bad("task", "is " + t->dump() + ", expected \"classification\"");
  }
  const json* classes = member(e, "classes");
  if (!classes) bad("classes", "missing (expected an array of class names)");
  if (!classes->is_array() || classes->empty())
    bad("classes", std::string("expected a non-empty array of class names, got ") +
                       (classes->is_array() ? "an empty array" : classes->type_name()));
  for (size_t i = 0; i < classes->size(); ++i)
    ev.classes.push_back(class_name((*classes)[i], "classes[" + std::to_string(i) + "]"));
  const size_t k = ev.classes.size();

  const json* cm = member(e, "confusion_matrix");
  if (!cm) bad("confusion_matrix", "missing (expected a k x k array of counts)");
  if (!cm->is_array() || cm->size() != k)
    bad("confusion_matrix", "expected " + std::to_string(k) + " rows (one per class), got " +
                                (cm->is_array() ? std::to_string(cm->size()) + " rows"
                                                : std::string("a ") + cm->type_name()));
  for (size_t i = 0; i < k; ++i) {
    const std::string key = "confusion_matrix[" + std::to_string(i) + "]";
    std::vector<double> row = number_array((*cm)[i], key);
    if (row.size() != k)
      bad(key, "has " + std::to_string(row.size()) + " columns, expected " + std::to_string(k));
    ev.cm.push_back(std::move(row));
  }

  ev.n = number_or_nan(member(e, "n"));
  if (const json* cc = member(e, "class_counts")) ev.class_counts = number_array(*cc, "class_counts");
  if (const json* p = member(e, "positive_class")) {
    if (p->is_number_integer() && p->get<int64_t>() >= 0 && p->get<int64_t>() < int64_t(k))
      ev.positive = static_cast<int>(p->get<int64_t>());
    else if (p->is_string())
      for (size_t i = 0; i < k; ++i)
        if (ev.classes[i] == p->get<std::string>()) ev.positive = static_cast<int>(i);
    if (ev.positive < 0) bad("positive_class", "is " + p->dump() + ", not a class index or name");
  } else if (k == 2) {
    ev.positive = 1;
  }
  ev.threshold = number_or_nan(member(e, "threshold"));
  if (const json* r = member(e, "threshold_rule"); r && r->is_string())
    ev.rule = r->get<std::string>();
  if (const json* m = member(e, "metrics")) {
    if (!m->is_object()) bad("metrics", std::string("expected an object, got ") + m->type_name());
    ev.metrics = m;
  }
  ev.roc = read_curve(member(e, "roc"), "roc", "fpr", "tpr");
  ev.pr = read_curve(member(e, "pr"), "pr", "recall", "precision");
  if (const json* pc = member(e, "per_class")) {
    if (!pc->is_array()) bad("per_class", std::string("expected an array, got ") + pc->type_name());
    for (size_t i = 0; i < pc->size(); ++i) {
      const std::string key = "per_class[" + std::to_string(i) + "]";
      const json& entry = (*pc)[i];
      if (!entry.is_object()) bad(key, std::string("expected an object, got ") + entry.type_name());
      PerClass p;
      p.entry = &entry;
      if (const json* name = member(entry, "class")) p.name = class_name(*name, key + ".class");
      else p.name = i < k ? ev.classes[i] : "class " + std::to_string(i);
      p.roc = read_curve(member(entry, "roc"), key + ".roc", "fpr", "tpr");
      p.pr = read_curve(member(entry, "pr"), key + ".pr", "recall", "precision");
      ev.per_class.push_back(std::move(p));
    }
  }
  return ev;
}

std::string esc(const std::string& s) { return escape_xml(s); }
std::string num(double v) { return format_number(v, 4); }

const std::vector<std::pair<std::string, std::string>>& metric_labels() {
  static const std::vector<std::pair<std::string, std::string>> labels = {
      {"accuracy", "Accuracy"},
      {"balanced_accuracy", "Balanced accuracy"},
      {"auc", "ROC AUC"},
      {"average_precision", "Average precision (area under the PR curve)"},
      {"sensitivity", "Sensitivity (recall, true-positive rate)"},
      {"specificity", "Specificity (true-negative rate)"},
      {"precision", "Precision (positive predictive value)"},
      {"npv", "Negative predictive value"},
      {"f1", "F1 score"},
      {"fpr", "False-positive rate"},
      {"kappa", "Cohen\xE2\x80\x99s kappa"},
      {"kappa_linear", "Cohen\xE2\x80\x99s kappa, linear weights"},
      {"kappa_quadratic", "Cohen\xE2\x80\x99s kappa, quadratic weights"},
  };
  return labels;
}

std::string rule_text(const std::string& rule) {
  if (rule == "youden")
    return "youden: maximises sensitivity + specificity \xE2\x88\x92 1 (Youden\xE2\x80\x99s J)";
  if (rule.rfind("sensitivity=", 0) == 0)
    return rule + ": chosen to reach a sensitivity of " + rule.substr(12);
  if (rule.rfind("specificity=", 0) == 0)
    return rule + ": chosen to reach a specificity of " + rule.substr(12);
  if (rule == "fixed") return "fixed: given by the user";
  if (rule == "argmax") return "argmax: the class with the highest probability";
  return rule;
}

// ---------------------------------------------------------------- sections

void write_metrics_table(std::ostringstream& o, const Evaluation& ev) {
  if (!ev.metrics || ev.metrics->empty()) return;
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& [key, label] : metric_labels())
    if (ev.metrics->contains(key)) rows.emplace_back(key, label);
  for (auto it = ev.metrics->begin(); it != ev.metrics->end(); ++it) {
    bool known = false;
    for (const auto& kl : metric_labels()) known = known || kl.first == it.key();
    if (!known) rows.emplace_back(it.key(), it.key());
  }
  o << "<section id=\"metrics\">\n<h2>Metrics</h2>\n<table class=\"metrics\">\n"
    << "<thead><tr><th scope=\"col\">Metric</th><th scope=\"col\">Value</th>"
    << "<th scope=\"col\">95% CI</th></tr></thead>\n<tbody>\n";
  for (const auto& [key, label] : rows) {
    MetricValue m = ev.metric(key);
    o << "<tr data-metric=\"" << esc(key) << "\"><th scope=\"row\">" << esc(label)
      << "</th><td class=\"value\">" << num(m.value) << "</td><td class=\"ci\">";
    if (m.has_ci) o << num(m.lo) << " \xE2\x80\x93 " << num(m.hi);
    o << "</td></tr>\n";
  }
  o << "</tbody>\n</table>\n";
  o << "<p class=\"note\">Values are computed on the evaluated set; the 95% confidence "
    << "interval, where given, comes from bootstrap resampling of the cases. "
    << "n/a: undefined on this set (for example no positive case).</p>\n</section>\n";
}

void write_per_class_table(std::ostringstream& o, const Evaluation& ev) {
  if (ev.per_class.empty()) return;
  static const std::vector<std::pair<std::string, std::string>> cols = {
      {"support", "Support"},          {"auc", "ROC AUC"},
      {"average_precision", "AP"},     {"sensitivity", "Sensitivity"},
      {"specificity", "Specificity"},  {"precision", "Precision"},
      {"f1", "F1"}};
  std::vector<std::pair<std::string, std::string>> shown;
  for (const auto& c : cols) {
    bool any = false;
    for (const auto& p : ev.per_class) any = any || p.entry->contains(c.first);
    if (any) shown.push_back(c);
  }
  o << "<section id=\"per-class\">\n<h2>Per class (one versus the rest)</h2>\n"
    << "<table class=\"per-class\">\n<thead><tr><th scope=\"col\">Class</th>";
  for (const auto& c : shown) o << "<th scope=\"col\">" << esc(c.second) << "</th>";
  o << "</tr></thead>\n<tbody>\n";
  for (size_t i = 0; i < ev.per_class.size(); ++i) {
    const PerClass& p = ev.per_class[i];
    o << "<tr data-class=\"" << i << "\"><th scope=\"row\">" << esc(p.name) << "</th>";
    for (const auto& c : shown) {
      const double v = read_metric(member(*p.entry, c.first)).value;
      o << "<td data-key=\"" << esc(c.first) << "\">"
        << (c.first == "support" ? format_number(v, 12) : num(v)) << "</td>";
    }
    o << "</tr>\n";
  }
  o << "</tbody>\n</table>\n</section>\n";
}

ChartSeries curve_series(const std::string& name, const std::vector<double>& x,
                         const std::vector<double>& y, const std::string& color) {
  ChartSeries s;
  s.name = name;
  s.x = x;
  s.y = y;
  s.color = color;
  return s;
}

// The operating point of a binary model on its ROC curve: (fpr, sensitivity)
// from the metrics, else the ROC point of the smallest threshold >= t.
std::optional<std::pair<double, double>> operating_point(const Evaluation& ev) {
  const double sens = ev.metric("sensitivity").value;
  double fpr = ev.metric("fpr").value;
  if (std::isnan(fpr)) fpr = 1 - ev.metric("specificity").value;
  if (std::isfinite(sens) && std::isfinite(fpr)) return std::make_pair(fpr, sens);
  if (!ev.roc || !std::isfinite(ev.threshold) || ev.roc->thresholds.size() != ev.roc->a.size())
    return std::nullopt;
  std::optional<size_t> best;
  for (size_t i = 0; i < ev.roc->thresholds.size(); ++i) {
    const double t = ev.roc->thresholds[i];
    if (std::isnan(t) || t < ev.threshold) continue;
    if (!best || t < ev.roc->thresholds[*best]) best = i;
  }
  if (!best) return std::nullopt;
  return std::make_pair(ev.roc->a[*best], ev.roc->b[*best]);
}

std::string marker_label(const Evaluation& ev) {
  std::string l = "operating point";
  if (std::isfinite(ev.threshold)) l = "threshold " + num(ev.threshold);
  if (!ev.rule.empty()) l += " (" + ev.rule + ")";
  return l;
}

std::string roc_chart(const Evaluation& ev) {
  LineChart c("ROC curve");
  c.set_kind("roc")
      .set_x_label("False-positive rate (1 \xE2\x88\x92 specificity)")
      .set_y_label("True-positive rate (sensitivity)")
      .set_x_range(0, 1)
      .set_y_range(0, 1)
      .set_size(520, 440);
  if (ev.roc) {
    const double auc = ev.metric("auc").value;
    std::string name = "ROC";
    if (ev.positive >= 0) name += " of " + ev.classes[ev.positive];
    if (!std::isnan(auc)) name += " (AUC = " + num(auc) + ")";
    c.add_series(curve_series(name, ev.roc->a, ev.roc->b, palette_color(0)));
  } else {
    for (size_t i = 0; i < ev.per_class.size(); ++i) {
      const PerClass& p = ev.per_class[i];
      if (!p.roc) continue;
      const double auc = read_metric(member(*p.entry, "auc")).value;
      std::string name = p.name;
      if (!std::isnan(auc)) name += " (AUC = " + num(auc) + ")";
      c.add_series(curve_series(name, p.roc->a, p.roc->b, palette_color(i)));
    }
  }
  if (c.empty()) return "";
  ChartLine chance;
  chance.label = "chance";
  chance.css_class = "reference diagonal";
  c.add_line(chance);
  if (ev.roc)
    if (auto op = operating_point(ev)) {
      ChartMarker m;
      m.x = op->first;
      m.y = op->second;
      m.label = marker_label(ev);
      m.css_class = "operating-point";
      c.add_marker(m);
    }
  return c.svg();
}

// PR curves are drawn as post-steps in the order of decreasing recall (the
// order scikit-learn returns), which is the step function whose area is the
// average precision.
void decreasing_recall(std::vector<double>& recall, std::vector<double>& precision) {
  if (recall.size() >= 2 && recall.front() < recall.back()) {
    std::reverse(recall.begin(), recall.end());
    std::reverse(precision.begin(), precision.end());
  }
}

std::string pr_chart(const Evaluation& ev) {
  LineChart c("Precision\xE2\x80\x93recall curve");
  c.set_kind("pr")
      .set_x_label("Recall (sensitivity)")
      .set_y_label("Precision (positive predictive value)")
      .set_x_range(0, 1)
      .set_y_range(0, 1)
      .set_size(520, 440);
  if (ev.pr) {
    const double ap = ev.metric("average_precision").value;
    std::string name = "PR";
    if (ev.positive >= 0) name += " of " + ev.classes[ev.positive];
    if (!std::isnan(ap)) name += " (AP = " + num(ap) + ")";
    ChartSeries s = curve_series(name, ev.pr->a, ev.pr->b, palette_color(0));
    decreasing_recall(s.x, s.y);
    s.step = true;
    c.add_series(std::move(s));
    const double prev = ev.positive >= 0 ? ev.prevalence(ev.positive) : kNaN;
    if (std::isfinite(prev)) {
      ChartLine base{0, prev, 1, prev, "prevalence = " + num(prev), "#888888", "baseline", true};
      c.add_line(base);
    }
    const double sens = ev.metric("sensitivity").value, prec = ev.metric("precision").value;
    if (std::isfinite(sens) && std::isfinite(prec)) {
      ChartMarker m;
      m.x = sens;
      m.y = prec;
      m.label = marker_label(ev);
      m.css_class = "operating-point";
      c.add_marker(m);
    }
  } else {
    for (size_t i = 0; i < ev.per_class.size(); ++i) {
      const PerClass& p = ev.per_class[i];
      if (!p.pr) continue;
      const double ap = read_metric(member(*p.entry, "average_precision")).value;
      std::string name = p.name;
      if (!std::isnan(ap)) name += " (AP = " + num(ap) + ")";
      ChartSeries s = curve_series(name, p.pr->a, p.pr->b, palette_color(i));
      decreasing_recall(s.x, s.y);
      s.step = true;
      c.add_series(std::move(s));
      size_t ci = i;
      for (size_t j = 0; j < ev.classes.size(); ++j)
        if (ev.classes[j] == p.name) ci = j;
      const double prev = ci < ev.classes.size() ? ev.prevalence(ci) : kNaN;
      if (std::isfinite(prev))
        c.add_line(ChartLine{0, prev, 1, prev, "", palette_color(i), "baseline", true});
    }
  }
  if (c.empty()) return "";
  return c.svg();
}

// Training curves: losses, the other metrics (those outside [-1, 1] apart),
// the learning rate.
std::vector<std::string> training_charts(const std::vector<TrainingRecord>& history) {
  std::vector<std::string> cols;
  for (const auto& r : history)
    for (const auto& kv : r.values)
      if (std::find(cols.begin(), cols.end(), kv.first) == cols.end()) cols.push_back(kv.first);
  auto ends_with = [](const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    std::string tail = s.substr(s.size() - suffix.size());
    for (char& ch : tail) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return tail == suffix;
  };
  auto is_lr = [](const std::string& s) {
    return s == "lr" || s.rfind("lr_", 0) == 0 || s == "learning_rate";
  };
  const bool dots = history.size() <= 60;
  auto series = [&](const std::string& name, size_t index) {
    ChartSeries s;
    s.name = name;
    s.color = palette_color(index);
    s.dots = dots;
    for (const auto& r : history) {
      const double v = r.get(name);
      if (std::isfinite(v)) {
        s.x.push_back(static_cast<double>(r.epoch));
        s.y.push_back(v);
      }
    }
    return s;
  };
  LineChart losses("Loss"), metrics("Validation and training metrics"), other("Other values"),
      lr("Learning rate");
  losses.set_kind("losses").set_x_label("epoch").set_y_label("loss").set_integer_x(true);
  metrics.set_kind("metrics").set_x_label("epoch").set_y_label("value").set_integer_x(true);
  other.set_kind("metrics-other").set_x_label("epoch").set_y_label("value").set_integer_x(true);
  lr.set_kind("lr").set_x_label("epoch").set_y_label("learning rate").set_integer_x(true);
  size_t index = 0;
  for (const auto& name : cols) {
    ChartSeries s = series(name, index);
    if (s.x.empty()) continue;
    ++index;
    if (is_lr(name)) {
      lr.add_series(std::move(s));
    } else if (ends_with(name, "loss")) {
      losses.add_series(std::move(s));
    } else {
      bool unit = true;
      for (double v : s.y) unit = unit && v >= -1 && v <= 1;
      (unit ? metrics : other).add_series(std::move(s));
    }
  }
  if (metrics.empty() && !other.empty()) {
    std::swap(metrics, other);
    metrics.set_kind("metrics").set_title("Validation and training metrics");
  }
  std::vector<std::string> out;
  for (const LineChart* c : {&losses, &metrics, &other, &lr})
    if (!c->empty()) out.push_back(c->svg());
  return out;
}



}  // namespace

std::string render_classification_report(const json& evaluation,
                                         const std::vector<TrainingRecord>& history,
                                         const HtmlReportOptions& options) {
  const Evaluation ev = parse(evaluation);
  const size_t k = ev.classes.size();

  const std::string roc = roc_chart(ev);
  const std::string pr = pr_chart(ev);
  const std::string confusion = heatmap_svg(ev.cm, ev.classes);
  const std::vector<std::string> training = training_charts(history);

  std::ostringstream o;
  o << html_page_begin(options.title, options.description);
  o << "<nav>";
  if (ev.metrics && !ev.metrics->empty()) o << "<a href=\"#metrics\">Metrics</a>";
  if (!ev.per_class.empty()) o << "<a href=\"#per-class\">Per class</a>";
  o << "<a href=\"#curves\">Curves</a><a href=\"#confusion\">Confusion matrix</a>";
  if (!training.empty()) o << "<a href=\"#training\">Training</a>";
  const bool uncertainty = evaluation.contains("uncertainty") && !evaluation["uncertainty"].is_null();
  if (uncertainty) o << "<a href=\"#uncertainty\">Uncertainty</a>";
  o << "</nav>\n</header>\n";

  // Summary.
  double n = ev.n;
  if (std::isnan(n)) {
    n = 0;
    for (const auto& row : ev.cm)
      for (double v : row) n += std::isfinite(v) ? v : 0;
  }
  o << "<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n";
  o << "<p>Task: classification into " << k << " classes; <span class=\"n\">n = " << num(n)
    << "</span> cases.</p>\n<p>Classes: ";
  for (size_t i = 0; i < k; ++i) {
    if (i) o << ", ";
    o << "<span class=\"class\">" << esc(ev.classes[i]);
    if (ev.class_counts.size() == k) o << " (" << format_number(ev.class_counts[i], 12) << ")";
    o << "</span>";
  }
  o << "</p>\n";
  if (ev.positive >= 0 && ev.binary())
    o << "<p>Positive class: <strong>" << esc(ev.classes[ev.positive]) << "</strong></p>\n";
  if (std::isfinite(ev.threshold) || !ev.rule.empty()) {
    o << "<p class=\"threshold\">Decision ";
    if (std::isfinite(ev.threshold)) o << "threshold: <strong>" << num(ev.threshold) << "</strong>";
    else o << "rule:";
    if (!ev.rule.empty())
      o << (std::isfinite(ev.threshold) ? ", rule " : " ") << esc(rule_text(ev.rule));
    o << "</p>\n";
  }
  if (history.empty()) o << "<p class=\"note\">No training history was given.</p>\n";
  o << "</section>\n";

  write_metrics_table(o, ev);
  write_per_class_table(o, ev);

  o << "<section id=\"curves\">\n<h2>ROC and precision\xE2\x80\x93recall curves</h2>\n";
  if (roc.empty() && pr.empty()) {
    o << "<p class=\"note\">The evaluation holds no ROC or PR curve.</p>\n";
  } else {
    o << "<div class=\"figures\">\n";
    if (!roc.empty())
      o << "<figure id=\"roc\">\n" << roc
        << "<figcaption>Each point is one decision threshold: the share of positive cases found "
        << "(sensitivity) against the share of negative cases falsely flagged. The dashed "
        << "diagonal is a model that guesses; the area under the curve (AUC) is the chance that "
        << "a random positive case scores above a random negative one."
        << (ev.roc ? " The circle marks the threshold the metrics above were computed at." : "")
        << "</figcaption>\n</figure>\n";
    if (!pr.empty())
      o << "<figure id=\"pr\">\n" << pr
        << "<figcaption>Precision (how many flagged cases are positive) against recall (how many "
        << "positive cases are flagged). The dashed horizontal line is the prevalence of the "
        << "class, the precision of a model that guesses; average precision (AP) is the area "
        << "under the step curve.</figcaption>\n</figure>\n";
    o << "</div>\n";
  }
  o << "</section>\n";

  o << "<section id=\"confusion\">\n<h2>Confusion matrix</h2>\n<figure>\n" << confusion
    << "<figcaption>Rows: the true class; columns: the predicted class. Each cell shows the "
    << "number of cases and their percentage of the row (of the true class), and is shaded by "
    << "that percentage: a good model has a dark diagonal.</figcaption>\n</figure>\n</section>\n";

  if (uncertainty) o << uncertainty_section_html(evaluation["uncertainty"]);
  for (const auto& section : options.sections) o << section;

  if (!training.empty()) {
    o << "<section id=\"training\">\n<h2>Training curves</h2>\n<div class=\"figures\">\n";
    for (const auto& svg : training) o << "<figure>\n" << svg << "</figure>\n";
    o << "</div>\n<p class=\"note\">Per-epoch values from the training history. A validation "
      << "loss that rises while the training loss keeps falling is a sign of over-fitting.</p>\n"
      << "</section>\n";
  }
  o << html_page_end();
  return o.str();
}

void write_classification_report(const std::string& path, const json& evaluation,
                                 const std::vector<TrainingRecord>& history,
                                 const HtmlReportOptions& options) {
  write_file_atomically(path, render_classification_report(evaluation, history, options));
}

}  // namespace medcnn
