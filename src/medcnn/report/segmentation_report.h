// The HTML evaluation report of a segmentation: one self-contained file
// (inline CSS, overlays as inline PNG), readable offline.
//
// render_segmentation_report(evaluation, overlays, options):
//   evaluation: {"classes": [names], "cases": [per-case JSON of
//   metrics/segmentation_evaluation.h with "id"], "summary": its
//   summarize_segmentation(), "auc": pooled AUC or null}. Required: "cases"
//   and "summary" (FormatError naming the key otherwise).
//   overlays: pictures of chosen cases (segmentation_overlay), each with a
//   caption, shown under "Best and worst cases".
// The page holds the run description, a summary table per class (mean ± sd
// over cases and the value of the pooled voxels for each metric; n and the
// number of cases where a metric is undefined), the pooled AUC, the
// per-case table and the overlays. write_segmentation_report writes it
// atomically.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <utility>
#include <vector>

#include "medcnn/core/image.h"
#include "medcnn/report/html_page.h"  // OverlayPicture

namespace medcnn {

struct SegmentationReportOptions {
  std::string title = "Segmentation report";
  std::vector<std::pair<std::string, std::string>> description;
};

std::string render_segmentation_report(const nlohmann::json& evaluation,
                                       const std::vector<OverlayPicture>& overlays,
                                       const SegmentationReportOptions& options = {});
void write_segmentation_report(const std::string& path, const nlohmann::json& evaluation,
                               const std::vector<OverlayPicture>& overlays,
                               const SegmentationReportOptions& options = {});

}  // namespace medcnn
