// The HTML evaluation report of a detector: one self-contained file (inline
// CSS, charts as inline SVG, pictures as inline PNG), readable offline.
//
// render_detection_report(evaluation, pictures, options): evaluation is the
// JSON of evaluate_detection_boxes (tasks/detection.h): "metrics",
// "per_class" (with "pr_curve") and "froc" are required (FormatError naming
// the key otherwise). The page holds the run description, the summary
// (mAP@0.5, mAP@[0.5:0.95], FROC score, precision and recall at IoU 0.5),
// a per-class table, one precision-recall chart with a curve per class,
// the FROC curve (sensitivity against false positives per image at 1/8 ..
// 8, a log2 axis), with an optional "uncertainty" object the referral
// section (uncertainty_section_html: the precision of the shown boxes as
// the most uncertain are referred) and the pictures (box_overlay) with
// their captions.
// write_detection_report writes it atomically.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <utility>
#include <vector>

#include "medcnn/report/html_page.h"  // OverlayPicture

namespace medcnn {

struct DetectionReportOptions {
  std::string title = "Detection report";
  std::vector<std::pair<std::string, std::string>> description;
};

std::string render_detection_report(const nlohmann::json& evaluation,
                                    const std::vector<OverlayPicture>& pictures,
                                    const DetectionReportOptions& options = {});
void write_detection_report(const std::string& path, const nlohmann::json& evaluation,
                            const std::vector<OverlayPicture>& pictures,
                            const DetectionReportOptions& options = {});

}  // namespace medcnn
