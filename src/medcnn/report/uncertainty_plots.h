// SVG plots of calibration and referral, drawn with the LineChart of
// report/svg.h (one self-contained <svg> element each; text escaped).
//
// reliability_diagram_svg(calibration, title): x = confidence, y = accuracy,
// both over [0, 1] (data-chart="reliability"). The accuracy of each bin is a
// bar, drawn as one outline series <polyline class="series"
// data-series="Accuracy"> through (lower, 0), (lower, acc), (upper, acc),
// (upper, 0) of every bin (an empty bin stays at 0); the diagonal is the
// dashed reference line "Perfect calibration"; the gap of each non-empty bin
// is a red <line class="gap"> at the bin centre from its accuracy to its mean
// confidence. The title line ends with "ECE x, MCE y, n = N" (4 significant
// digits, format_number).
//
// referral_curve_svg(curves, title): x = retained fraction, y = accuracy on
// the retained cases (data-chart="referral"); one <polyline class="series">
// with dots per (name, curve), in the given order, named in the legend.
//
// Errors: none of their own; a curve whose vectors differ in length makes
// LineChart throw std::invalid_argument.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "medcnn/metrics/calibration.h"
#include "medcnn/metrics/referral.h"

namespace medcnn {

std::string reliability_diagram_svg(const Calibration& c,
                                    const std::string& title = "Reliability diagram");

std::string referral_curve_svg(const std::vector<std::pair<std::string, ReferralCurve>>& curves,
                               const std::string& title = "Accuracy after referral");

}  // namespace medcnn
