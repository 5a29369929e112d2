// The "Uncertainty" section of an evaluation report: the reliability diagram
// (calibration), the referral curves (accuracy when the most uncertain cases
// are referred to a human) and a table of accuracy after referring 10%.
//
// uncertainty_section_html(u): u is evaluate_uncertainty's JSON
// (metrics/uncertainty_evaluation.h), optionally with "temperature"
// {"value", "ece_before", "ece_after", "fitted_on"}; without "calibration"
// (segmentation's pixel referral) only the referral part is shown, and
// "unit" ("cases" by default, "pixels") names what is referred. Returns one HTML
// <section id="uncertainty"> with inline SVG. FormatError naming the key for
// a malformed section.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>

namespace medcnn {

std::string uncertainty_section_html(const nlohmann::json& u);

}  // namespace medcnn
