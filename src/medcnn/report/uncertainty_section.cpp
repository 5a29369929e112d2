#include "medcnn/report/uncertainty_section.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

#include "medcnn/core/error.h"
#include "medcnn/report/svg.h"
#include "medcnn/report/uncertainty_plots.h"

namespace medcnn {
namespace {

double value(const nlohmann::json& j) {
  return j.is_number() ? j.get<double>() : std::nan("");
}

Calibration calibration_from(const nlohmann::json& c) {
  Calibration out;
  if (!c.is_object() || !c.contains("bins") || !c["bins"].is_array())
    throw FormatError("evaluation.uncertainty.calibration", "expected an object with bins");
  for (const auto& b : c["bins"]) {
    ReliabilityBin r;
    r.lower = value(b.at("lower"));
    r.upper = value(b.at("upper"));
    r.count = b.at("count").get<int64_t>();
    r.mean_confidence = value(b.at("confidence"));
    r.accuracy = value(b.at("accuracy"));
    out.n += r.count;
    out.bins.push_back(r);
  }
  out.ece = value(c.at("ece"));
  out.mce = value(c.value("mce", nlohmann::json()));
  return out;
}

std::string label(const std::string& measure) {
  if (measure == "least_confidence") return "1 - max probability";
  if (measure == "mutual_information") return "mutual information";
  return measure;
}

}  // namespace

std::string uncertainty_section_html(const nlohmann::json& u) {
  const bool calibrated = u.contains("calibration") && !u["calibration"].is_null();
  const Calibration c = calibrated ? calibration_from(u["calibration"]) : Calibration();
  const std::string unit = u.value("unit", std::string("cases"));
  std::vector<std::pair<std::string, ReferralCurve>> curves;
  std::ostringstream rows;
  if (u.contains("referral") && u["referral"].is_object())
    for (const auto& [name, r] : u["referral"].items()) {
      ReferralCurve rc;
      rc.retained_fraction = r.at("retained_fraction").get<std::vector<double>>();
      rc.accuracy = r.at("accuracy").get<std::vector<double>>();
      rc.accuracy_all = value(u.value("accuracy", nlohmann::json()));
      curves.emplace_back(label(name), rc);
      rows << "<tr><td>" << escape_xml(label(name)) << "</td><td>"
           << format_number(value(r.at("accuracy_refer_10"))) << "</td><td>"
           << format_number(value(r.at("gain_refer_10"))) << "</td></tr>\n";
    }
  std::ostringstream o;
  o << "<section id=\"uncertainty\">\n<h2>Uncertainty" << (calibrated ? " and calibration" : "")
    << "</h2>\n<p>Accuracy on all " << escape_xml(unit) << ": <strong>"
    << format_number(value(u.value("accuracy", nlohmann::json()))) << "</strong>.";
  if (calibrated) {
    const auto& cal = u["calibration"];
    o << " Expected calibration error (ECE, " << cal.value("n_bins", 0) << " bins): <strong>"
      << format_number(c.ece) << "</strong>; negative log-likelihood "
      << format_number(value(cal.value("nll", nlohmann::json()))) << "; Brier score "
      << format_number(value(cal.value("brier", nlohmann::json()))) << ".";
  }
  o << "</p>\n";
  if (u.contains("temperature") && u["temperature"].is_object()) {
    const auto& t = u["temperature"];
    o << "<p>Temperature scaling: T = " << format_number(value(t.value("value", nlohmann::json())))
      << " fitted on " << escape_xml(t.value("fitted_on", std::string("validation")))
      << "; ECE " << format_number(value(t.value("ece_before", nlohmann::json()))) << " before, "
      << format_number(value(t.value("ece_after", nlohmann::json()))) << " after.</p>\n";
  }
  o << "<div class=\"figures\">\n";
  if (calibrated)
    o << "<figure id=\"reliability\">\n" << reliability_diagram_svg(c)
      << "<figcaption>Cases binned by the model's confidence (its highest class probability): "
      << "a calibrated model's bars reach the diagonal, its accuracy equals its confidence. "
      << "ECE is the case-weighted mean gap.</figcaption>\n</figure>\n";
  if (!curves.empty())
    o << "<figure id=\"referral\">\n" << referral_curve_svg(curves)
      << "<figcaption>The most uncertain " << escape_xml(unit) << " are referred to a human; "
      << "the curve shows the accuracy on the " << escape_xml(unit) << " kept. A measure that "
      << "means something rises as fewer are kept.</figcaption>\n</figure>\n";
  o << "</div>\n";
  if (!curves.empty())
    o << "<table class=\"metrics\">\n<thead><tr><th>uncertainty measure</th><th>accuracy, 10% "
      << "referred</th><th>gain</th></tr></thead>\n<tbody>\n"
      << rows.str() << "</tbody>\n</table>\n";
  o << "</section>\n";
  return o.str();
}

}  // namespace medcnn
