// The SVG toolkit: text escaping, compact numbers and nice ticks (worked by
// hand), the step-line layout and the confusion-matrix cells.
#include <cmath>
#include <limits>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "medcnn/report/svg.h"
#include "test_support.h"

using namespace medcnn;

namespace {

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// The value of attribute `name` in the first element that contains `anchor`.
std::string attribute_after(const std::string& text, const std::string& anchor,
                            const std::string& name) {
  size_t a = text.find(anchor);
  if (a == std::string::npos) return "<no " + anchor + ">";
  size_t start = text.rfind('<', a);
  size_t end = text.find('>', a);
  std::string el = text.substr(start, end - start);
  std::smatch m;
  if (std::regex_search(el, m, std::regex(" " + name + "=\"([^\"]*)\""))) return m[1];
  return "<no " + name + ">";
}

}  // namespace

TEST(Svg, EscapesMarkupAndQuotes) {
  EXPECT_EQ(escape_xml("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
  EXPECT_EQ(escape_xml("it's > 1"), "it&#39;s &gt; 1");
  EXPECT_EQ(escape_xml("&amp;"), "&amp;amp;");  // escaped again, never trusted
  EXPECT_EQ(escape_xml("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 kept
  EXPECT_EQ(escape_xml(std::string("a\x01" "b")), "ab");  // not allowed in XML 1.0
}

TEST(Svg, ClassNamesAreEscapedEverywhere) {
  const std::string nasty = "a<b & \"c\"";
  const std::string svg = heatmap_svg({{3, 1}, {0, 2}}, {"normal", nasty}, "t<1>");
  EXPECT_EQ(svg.find(nasty), std::string::npos);
  EXPECT_EQ(svg.find("t<1>"), std::string::npos);
  EXPECT_NE(svg.find("a&lt;b &amp; &quot;c&quot;"), std::string::npos);

  LineChart c("x & y");
  c.set_x_label("<x>").set_y_label("\"y\"");
  c.add_series({nasty, {0, 1}, {0, 1}});
  const std::string line = c.svg();
  EXPECT_EQ(line.find(nasty), std::string::npos);
  EXPECT_EQ(line.find("<x>"), std::string::npos);
  EXPECT_EQ(count_of(line, "data-series=\"a&lt;b &amp; &quot;c&quot;\""), 1u);
}

TEST(Svg, FormatsNumbersCompactly) {
  EXPECT_EQ(format_number(0.1 + 0.2), "0.3");
  EXPECT_EQ(format_number(12.0), "12");
  EXPECT_EQ(format_number(-0.25), "-0.25");
  EXPECT_EQ(format_number(0.91234567), "0.9123");
  EXPECT_EQ(format_number(0.98765), "0.9877");
  EXPECT_EQ(format_number(1.5e-5), "1.5e-5");
  EXPECT_EQ(format_number(1e-17), "1e-17");
  EXPECT_EQ(format_number(123456.7), "123457");
  EXPECT_EQ(format_number(2.5e15), "2.5e+15");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(-0.0), "0");
  EXPECT_EQ(format_number(std::nan("")), "n/a");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_number(0.123456, 2), "0.12");
}

TEST(Svg, NiceTicksWorkedByHand) {
  // [0, 1], 5 ticks wanted: range 1, step nice(0.25) = 0.2.
  EXPECT_EQ(nice_ticks(0, 1), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  // [0.13, 0.87]: range nice(0.74) = 1, step 0.2, widened to [0, 1].
  EXPECT_EQ(nice_ticks(0.13, 0.87), (std::vector<double>{0, 0.2, 0.4, 0.6, 0.8, 1}));
  // [3, 97]: range nice(94) = 100, step nice(25) = 20.
  EXPECT_EQ(nice_ticks(3, 97), (std::vector<double>{0, 20, 40, 60, 80, 100}));
  // [-0.3, 0.1]: range nice(0.4) = 0.5, step nice(0.125) = 0.1; 0 is exactly 0.
  EXPECT_EQ(nice_ticks(-0.3, 0.1), (std::vector<double>{-0.3, -0.2, -0.1, 0, 0.1}));
  // A learning rate: [0, 0.001] -> step 0.0002.
  EXPECT_EQ(nice_ticks(0, 0.001),
            (std::vector<double>{0, 0.0002, 0.0004, 0.0006, 0.0008, 0.001}));
  // Epochs 1..3: step nice(0.5) = 0.5, raised to 1 for an integer axis.
  EXPECT_EQ(nice_ticks(1, 3, 5, true), (std::vector<double>{1, 2, 3}));
  // Reversed bounds are swapped; one value is widened around it.
  EXPECT_EQ(nice_ticks(1, 0), nice_ticks(0, 1));
  auto one = nice_ticks(5, 5);
  EXPECT_LT(one.front(), 5);
  EXPECT_GT(one.back(), 5);
  EXPECT_EQ(nice_ticks(std::nan(""), 1), (std::vector<double>{0, 1}));
  // Tick labels are free of float residue.
  for (double t : nice_ticks(0.1, 0.7)) EXPECT_LE(format_number(t, 6).size(), 4u) << t;
}

TEST(Svg, StepSeriesHoldsTwoPointsPerStepAndDropsNonFinite) {
  LineChart c("steps");
  c.set_x_range(0, 1).set_y_range(0, 1);
  ChartSeries s{"s", {0, 0.5, 1, std::nan("")}, {1, 0.5, 0.25, 0.1}};
  s.step = true;
  c.add_series(s);
  const std::string svg = c.svg();
  EXPECT_EQ(attribute_after(svg, "class=\"series\"", "data-n"), "3");
  EXPECT_EQ(attribute_after(svg, "class=\"series\"", "data-step"), "post");
  const std::string points = attribute_after(svg, "class=\"series\"", "points");
  EXPECT_EQ(count_of(points, ","), 5u) << points;  // 2 * 3 - 1
  EXPECT_THROW(c.add_series({"bad", {0, 1}, {0}}), std::invalid_argument);
  EXPECT_THROW(c.set_x_range(1, 1), std::invalid_argument);
}

TEST(Svg, HeatmapCellsShowCountsAndRowPercentages) {
  // Row 0: 3 of 4 right (75.0%), row 1 empty (no percentage).
  const std::string svg = heatmap_svg({{3, 1}, {0, 0}}, {"x", "y"});
  EXPECT_EQ(count_of(svg, "<rect class=\"cell\""), 4u);
  EXPECT_NE(svg.find(">75.0%</text>"), std::string::npos);
  EXPECT_NE(svg.find(">25.0%</text>"), std::string::npos);
  EXPECT_EQ(count_of(svg, ">\xE2\x80\x93</text>"), 2u);  // the empty row
  EXPECT_EQ(attribute_after(svg, "data-row=\"0\" data-col=\"0\" data-count", "data-fraction"),
            "0.75");
  EXPECT_THROW(heatmap_svg({{1, 2}}, {"x", "y"}), std::invalid_argument);
}
