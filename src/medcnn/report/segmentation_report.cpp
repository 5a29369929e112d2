#include "medcnn/report/segmentation_report.h"
#include "medcnn/report/uncertainty_section.h"

#include <nlohmann/json.hpp>

#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/io/files.h"
#include "medcnn/report/html_page.h"
#include "medcnn/report/svg.h"

namespace medcnn {

using nlohmann::json;

namespace {

std::string num(const json& v) {
  return v.is_number() ? format_number(v.get<double>(), 4) : std::string("n/a");
}

const std::vector<std::string>& shown_metrics() {
  static const std::vector<std::string> m = {"dice", "iou", "sensitivity", "specificity",
                                             "precision", "accuracy", "hausdorff",
                                             "hausdorff95", "assd", "masd"};
  return m;
}

std::string class_label(const json& classes, int64_t c) {
  if (classes.is_array() && c >= 0 && c < (int64_t)classes.size() && classes[c].is_string())
    return classes[c].get<std::string>();
  return "class " + std::to_string(c);
}

}  // namespace

std::string render_segmentation_report(const json& evaluation,
                                       const std::vector<OverlayPicture>& overlays,
                                       const SegmentationReportOptions& options) {
  if (!evaluation.contains("cases") || !evaluation["cases"].is_array())
    throw FormatError("evaluation.cases", "missing or not a list");
  if (!evaluation.contains("summary") || !evaluation["summary"].is_object())
    throw FormatError("evaluation.summary", "missing or not an object");
  const json& cases = evaluation["cases"];
  const json& summary = evaluation["summary"];
  const json classes = evaluation.value("classes", json());
  std::ostringstream o;
  o << html_page_begin(options.title, options.description);
  o << "<nav><a href=\"#summary\">Summary</a><a href=\"#cases\">Cases</a>";
  if (!overlays.empty()) o << "<a href=\"#overlays\">Best and worst cases</a>";
  o << "</nav>\n</header>\n";

  o << "<section id=\"summary\" class=\"summary\">\n<h2>Summary</h2>\n<p>" << cases.size()
    << " cases.";
  if (evaluation.contains("auc") && evaluation["auc"].is_number())
    o << " Pixel-wise ROC AUC of the foreground probability, voxels of all cases pooled: <b>"
      << num(evaluation["auc"]) << "</b>.";
  o << "</p>\n";
  for (const auto& pc : summary.value("per_class", json::array())) {
    const int64_t c = pc.value("class", int64_t(-1));
    o << "<h3>" << escape_xml(class_label(classes, c)) << "</h3>\n<table class=\"per-class\">\n"
      << "<thead><tr><th>metric</th><th>mean</th><th>sd</th><th>n</th><th>undefined</th>"
      << "<th>pooled voxels</th></tr></thead>\n<tbody>\n";
    for (const auto& m : shown_metrics()) {
      if (!pc.contains(m) || !pc[m].is_object()) continue;
      const json& s = pc[m];
      const json pooled = pc.contains("global") && pc["global"].contains(m) ? pc["global"][m] : json();
      o << "<tr><td>" << escape_xml(m) << "</td><td>" << num(s.value("mean", json())) << "</td><td>"
        << num(s.value("sd", json())) << "</td><td>" << num(s.value("n", json())) << "</td><td>"
        << num(s.value("n_undefined", json())) << "</td><td>" << (pooled.is_null() ? "" : num(pooled))
        << "</td></tr>\n";
    }
    o << "</tbody></table>\n";
  }
  o << "<p class=\"note\">Means are over cases; \"pooled voxels\" counts every voxel of every "
    << "case together (the convention of the DRIVE tables). Distances are in the images' "
    << "physical units (mm). A metric is undefined for a case when it has no value there (e.g. "
    << "a surface distance when exactly one of the masks is empty).</p>\n</section>\n";

  if (evaluation.contains("uncertainty") && evaluation["uncertainty"].is_object())
    o << uncertainty_section_html(evaluation["uncertainty"]);
  o << "<section id=\"cases\">\n<h2>Cases</h2>\n<table class=\"per-class\">\n<thead><tr>"
    << "<th>case</th><th>class</th>";
  for (const auto& m : shown_metrics()) o << "<th>" << escape_xml(m) << "</th>";
  o << "<th>AUC</th></tr></thead>\n<tbody>\n";
  for (const auto& c : cases)
    for (const auto& pc : c.value("per_class", json::array())) {
      o << "<tr><td>" << escape_xml(c.value("id", std::string())) << "</td><td>"
        << escape_xml(class_label(classes, pc.value("class", int64_t(-1)))) << "</td>";
      for (const auto& m : shown_metrics()) o << "<td>" << (pc.contains(m) ? num(pc[m]) : "") << "</td>";
      o << "<td>" << (c.contains("auc") ? num(c["auc"]) : "") << "</td></tr>\n";
    }
  o << "</tbody></table>\n</section>\n";

  if (!overlays.empty()) {
    o << "<section id=\"overlays\">\n<h2>Best and worst cases</h2>\n<p class=\"note\">"
      << "<span class=\"legend-ref\">green</span>: reference outline, "
      << "<span class=\"legend-pred\">red</span>: prediction outline, yellow: both.</p>\n"
      << picture_gallery(overlays) << "</section>\n";
  }
  o << html_page_end();
  return o.str();
}

void write_segmentation_report(const std::string& path, const json& evaluation,
                               const std::vector<OverlayPicture>& overlays,
                               const SegmentationReportOptions& options) {
  write_file_atomically(path, render_segmentation_report(evaluation, overlays, options));
}

}  // namespace medcnn
