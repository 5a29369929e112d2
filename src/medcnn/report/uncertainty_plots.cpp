#include "medcnn/report/uncertainty_plots.h"

#include <cmath>

#include "medcnn/report/svg.h"

namespace medcnn {

std::string reliability_diagram_svg(const Calibration& c, const std::string& title) {
  std::string full = title.empty() ? std::string("Reliability diagram") : title;
  full += " \xC2\xB7 ECE " + format_number(c.ece) + ", MCE " + format_number(c.mce) +
          ", n = " + format_number(static_cast<double>(c.n));
  LineChart chart(full);
  chart.set_kind("reliability")
      .set_x_label("Confidence")
      .set_y_label("Accuracy")
      .set_x_range(0, 1)
      .set_y_range(0, 1);

  ChartSeries bars;
  bars.name = "Accuracy";
  bars.color = "#1f77b4";
  for (const auto& b : c.bins) {
    const double acc = b.count > 0 && std::isfinite(b.accuracy) ? b.accuracy : 0.0;
    bars.x.insert(bars.x.end(), {b.lower, b.lower, b.upper, b.upper});
    bars.y.insert(bars.y.end(), {0.0, acc, acc, 0.0});
  }
  chart.add_series(std::move(bars));

  ChartLine diagonal;
  diagonal.label = "Perfect calibration";
  diagonal.css_class = "reference diagonal";
  chart.add_line(diagonal);

  bool first_gap = true;
  for (const auto& b : c.bins) {
    if (b.count == 0 || !std::isfinite(b.accuracy) || !std::isfinite(b.mean_confidence)) continue;
    ChartLine gap;
    gap.x0 = gap.x1 = (b.lower + b.upper) / 2;
    gap.y0 = b.accuracy;
    gap.y1 = b.mean_confidence;
    gap.color = "#d62728";
    gap.css_class = "gap";
    gap.dashed = false;
    if (first_gap) gap.label = "Gap to mean confidence";
    first_gap = false;
    chart.add_line(gap);
  }
  return chart.svg();
}

std::string referral_curve_svg(const std::vector<std::pair<std::string, ReferralCurve>>& curves,
                               const std::string& title) {
  LineChart chart(title);
  chart.set_kind("referral")
      .set_x_label("Retained fraction (most uncertain cases referred)")
      .set_y_label("Accuracy on retained cases");
  for (const auto& [name, curve] : curves) {
    ChartSeries s;
    s.name = name;
    s.x = curve.retained_fraction;
    s.y = curve.accuracy;
    s.dots = true;
    chart.add_series(std::move(s));
  }
  return chart.svg();
}

}  // namespace medcnn
