#include "medcnn/report/detection_report.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_page.h"
#include "medcnn/report/uncertainty_section.h"
#include "medcnn/report/svg.h"

namespace medcnn {
namespace {

using nlohmann::json;

std::string num(const json& v) {
  return v.is_number() ? format_number(v.get<double>()) : std::string("n/a");
}

const json& required(const json& e, const char* key) {
  if (!e.contains(key)) throw FormatError(std::string("evaluation.") + key, "missing");
  return e[key];
}

std::vector<double> numbers(const json& v) {
  std::vector<double> out;
  for (const auto& x : v) out.push_back(x.is_number() ? x.get<double>() : NAN);
  return out;
}

}  // namespace

std::string render_detection_report(const json& evaluation,
                                    const std::vector<OverlayPicture>& pictures,
                                    const DetectionReportOptions& options) {
  const json& metrics = required(evaluation, "metrics");
  const json& per_class = required(evaluation, "per_class");
  const json& froc = required(evaluation, "froc");
  std::ostringstream o;
  o << html_page_begin(options.title, options.description);
  o << "<nav><a href=\"#summary\">Summary</a><a href=\"#pr\">Precision-recall</a>"
    << "<a href=\"#froc\">FROC</a>";
  const bool uncertain = evaluation.contains("uncertainty") && evaluation["uncertainty"].is_object();
  if (uncertain) o << "<a href=\"#uncertainty\">Uncertainty</a>";
  if (!pictures.empty()) o << "<a href=\"#pictures\">Detections</a>";
  o << "</nav>\n</header>\n";

  o << "<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n<p>"
    << evaluation.value("n", 0) << " images.</p>\n<table class=\"metrics\">\n<tbody>\n"
    << "<tr><td>mAP@0.5</td><td>" << num(metrics.value("map50", json())) << "</td></tr>\n"
    << "<tr><td>mAP@[0.5:0.95]</td><td>" << num(metrics.value("map50_95", json()))
    << "</td></tr>\n<tr><td>FROC score</td><td>" << num(metrics.value("froc", json()))
    << "</td></tr>\n<tr><td>precision@0.5</td><td>" << num(metrics.value("precision50", json()))
    << "</td></tr>\n<tr><td>recall@0.5</td><td>" << num(metrics.value("recall50", json()))
    << "</td></tr>\n</tbody></table>\n<table class=\"per-class\">\n<thead><tr><th>class</th>"
    << "<th>objects</th><th>AP@0.5</th><th>AP@[0.5:0.95]</th><th>precision@0.5</th>"
    << "<th>recall@0.5</th></tr></thead>\n<tbody>\n";
  for (const auto& c : per_class)
    o << "<tr><td>" << escape_xml(c.value("class", std::string())) << "</td><td>"
      << num(c.value("n_ground_truth", json())) << "</td><td>" << num(c.value("ap50", json()))
      << "</td><td>" << num(c.value("ap50_95", json())) << "</td><td>"
      << num(c.value("precision50", json())) << "</td><td>" << num(c.value("recall50", json()))
      << "</td></tr>\n";
  o << "</tbody></table>\n<p class=\"note\">AP is COCO's 101-point interpolated average "
    << "precision; mAP@[0.5:0.95] averages it over IoU thresholds 0.50, 0.55, ..., 0.95. "
    << "Precision and recall count every kept detection at IoU 0.5. The FROC score is the "
    << "mean sensitivity at 1/8, 1/4, 1/2, 1, 2, 4 and 8 false positives per image, every "
    << "class pooled (a detection hits a lesion at IoU 0.5).</p>\n</section>\n";

  LineChart pr("Precision-recall at IoU 0.5");
  pr.set_kind("pr").set_x_label("recall").set_y_label("precision").set_x_range(0, 1).set_y_range(0, 1);
  for (const auto& c : per_class) {
    if (!c.contains("pr_curve")) continue;
    ChartSeries s;
    s.name = c.value("class", std::string()) + " (AP " + num(c.value("ap50", json())) + ")";
    s.x = numbers(c["pr_curve"].value("recall", json::array()));
    s.y = numbers(c["pr_curve"].value("precision", json::array()));
    if (!s.x.empty()) pr.add_series(std::move(s));
  }
  o << "<section id=\"pr\">\n<h2>Precision-recall</h2>\n"
    << (pr.empty() ? std::string("<p>No detections.</p>") : pr.svg()) << "\n</section>\n";

  const auto rates = numbers(froc.value("rates", json::array()));
  const auto sens = numbers(froc.value("sensitivity", json::array()));
  LineChart fc("FROC");
  fc.set_kind("froc").set_x_label("log2 false positives per image").set_y_label("sensitivity")
      .set_y_range(0, 1);
  ChartSeries fs;
  fs.name = "sensitivity (score " + num(froc.value("mean_sensitivity", json())) + ")";
  fs.dots = true;
  for (size_t i = 0; i < rates.size() && i < sens.size(); ++i) {
    fs.x.push_back(std::log2(rates[i]));
    fs.y.push_back(sens[i]);
  }
  if (!fs.x.empty()) fc.add_series(fs);
  o << "<section id=\"froc\">\n<h2>FROC</h2>\n" << (fc.empty() ? "" : fc.svg())
    << "\n<table class=\"per-class\"><thead><tr><th>FP per image</th>";
  for (double r : rates) o << "<th>" << format_number(r) << "</th>";
  o << "</tr></thead><tbody><tr><td>sensitivity</td>";
  for (double s : sens) o << "<td>" << format_number(s) << "</td>";
  o << "</tr></tbody></table>\n</section>\n";

  if (uncertain) o << uncertainty_section_html(evaluation["uncertainty"]);

  if (!pictures.empty()) {
    o << "<section id=\"pictures\">\n<h2>Detections</h2>\n<p class=\"note\">"
      << "<span class=\"legend-ref\">green</span>: reference boxes, "
      << "<span class=\"legend-pred\">red</span>: detections with class and score.</p>\n"
      << picture_gallery(pictures) << "</section>\n";
  }
  o << html_page_end();
  return o.str();
}

void write_detection_report(const std::string& path, const json& evaluation,
                            const std::vector<OverlayPicture>& pictures,
                            const DetectionReportOptions& options) {
  write_file_atomically(path, render_detection_report(evaluation, pictures, options));
}

}  // namespace medcnn
