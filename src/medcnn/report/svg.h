// A tiny SVG chart toolkit for the HTML reports: line charts and a
// confusion-matrix heat map. No torch, no external resources: every chart is
// one self-contained <svg> element (inline attributes, no CSS classes needed
// for its look, no ids, no links), valid both inline in HTML and as a
// standalone .svg file.
//
// Text: every piece of caller text (titles, labels, series and class names)
// goes through escape_xml (& < > " ' escaped), so any name is safe.
// Numbers: format_number writes compact text (0.3, not 0.30000000000000004;
// 12, not 12.000; 1.5e-5), and nice_ticks returns round tick values (0, 0.2,
// 0.4, ... with tiny float residues snapped to the tick grid).
//
// Axis mapping of a LineChart (written into the SVG so that a reader can map
// pixels back to data): the plot area is a nested
//   <svg class="plot" data-x0 data-x1 data-y0 data-y1
//        data-px0 data-px1 data-py0 data-py1 ...>
// and a data point (x, y) is drawn at
//   px = px0 + (x - x0) / (x1 - x0) * (px1 - px0)
//   py = py0 + (y - y0) / (y1 - y0) * (py1 - py0)
// (py0 is the bottom edge, py1 the top edge, in the outer svg's pixels; the
// nested svg uses the same pixel coordinates and clips to the plot area).
// Each series is one <polyline class="series" data-series="NAME" data-n="N">
// whose points are the N data points in order; a step series
// (data-step="post") holds 2N-1 points: the data points at even indices and
// the corner (x[i+1], y[i]) between each pair. Reference lines are
// <line class="reference|baseline|...">, markers are <circle> elements
// carrying data-x / data-y.
//
// Errors: invalid arguments (series x/y of different lengths, an empty or
// reversed range) throw std::invalid_argument: they are programming errors,
// not user errors.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace medcnn {

// Escapes & < > " ' for XML/HTML text and attribute values.
std::string escape_xml(const std::string& text);

// Compact text for a number with at most `significant` significant digits:
// integers without a decimal point, trailing zeros dropped, exponent form
// ("1.5e-5", "2e+12") only for very small or very large magnitudes;
// "n/a" for NaN, "inf" / "-inf" for infinities.
std::string format_number(double value, int significant = 4);

// Round tick values covering [lo, hi] with about `target` intervals, using
// steps of 1, 2 or 5 times a power of ten (Heckbert's "nice numbers"). The
// first tick is <= lo and the last >= hi. With integer_step the step is at
// least 1 (for epoch axes). lo == hi is widened around the value. Non-finite
// bounds give {0, 1}. Ticks are multiples of the step with float residues
// removed (0, not 5.5e-17).
std::vector<double> nice_ticks(double lo, double hi, int target = 5, bool integer_step = false);

// One named curve. x and y have the same length; points with a non-finite
// coordinate are left out.
struct ChartSeries {
  std::string name;
  std::vector<double> x, y;
  bool step = false;    // draw as a post-step (hold y[i] until x[i+1])
  bool dashed = false;
  bool dots = false;    // also draw a small dot at each point
  std::string color;    // "" = the next colour of the palette
};

// A straight reference line between two data points (diagonal, baseline).
struct ChartLine {
  double x0 = 0, y0 = 0, x1 = 1, y1 = 1;
  std::string label;                   // shown in the legend when not empty
  std::string color = "#888888";
  std::string css_class = "reference";
  bool dashed = true;
};

// A highlighted point (operating point) with a text label beside it.
struct ChartMarker {
  double x = 0, y = 0;
  std::string label;
  std::string color = "#d62728";
  std::string css_class = "marker";
};

class LineChart {
 public:
  explicit LineChart(std::string title = "") : title_(std::move(title)) {}

  LineChart& set_title(std::string t) { title_ = std::move(t); return *this; }
  LineChart& set_x_label(std::string l) { x_label_ = std::move(l); return *this; }
  LineChart& set_y_label(std::string l) { y_label_ = std::move(l); return *this; }
  // data-chart attribute of the root <svg> (lets a reader find the chart).
  LineChart& set_kind(std::string k) { kind_ = std::move(k); return *this; }
  // Fixed axis ranges; without them the range covers the data, widened to
  // round ticks.
  LineChart& set_x_range(double lo, double hi);
  LineChart& set_y_range(double lo, double hi);
  LineChart& set_integer_x(bool on) { integer_x_ = on; return *this; }
  // Overall size in pixels (the legend adds rows below).
  LineChart& set_size(int width, int height);
  // A dashed grey line from the lower-left to the upper-right corner.
  LineChart& set_diagonal(bool on) { diagonal_ = on; return *this; }

  LineChart& add_series(ChartSeries s);
  LineChart& add_line(ChartLine l);
  LineChart& add_marker(ChartMarker m);

  std::size_t series_count() const { return series_.size(); }
  bool empty() const { return series_.empty(); }

  // The chart as one <svg> element.
  std::string svg() const;

 private:
  std::string title_, x_label_, y_label_, kind_;
  bool has_x_range_ = false, has_y_range_ = false, integer_x_ = false, diagonal_ = false;
  double x_lo_ = 0, x_hi_ = 1, y_lo_ = 0, y_hi_ = 1;
  int width_ = 520, height_ = 380;
  std::vector<ChartSeries> series_;
  std::vector<ChartLine> lines_;
  std::vector<ChartMarker> markers_;
};

// The confusion matrix as a heat map: rows are the true classes, columns the
// predicted ones; each cell is shaded by its row-normalised value (the
// fraction of that true class predicted as the column's class) and shows the
// count and the row percentage ("–" when the row is empty). Cells are
// <rect class="cell" data-row data-col data-count data-fraction>, their texts
// <text class="count"> and <text class="percent"> with data-row / data-col;
// class names are <text class="col-label"> / <text class="row-label">.
// counts must be k x k with k = class_names.size() (else
// std::invalid_argument).
std::string heatmap_svg(const std::vector<std::vector<double>>& counts,
                        const std::vector<std::string>& class_names,
                        const std::string& title = "Confusion matrix");

// The default series colours (Tableau 10), cycled.
const std::string& palette_color(std::size_t index);

}  // namespace medcnn
