#include "medcnn/report/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace medcnn {

namespace {

// Pixel coordinates: two decimals, trailing zeros dropped.
std::string px(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s(buf);
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Full precision for data attributes (a reader inverts the mapping with them).
std::string exact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

// A rough text width in pixels for a sans-serif font of the given size.
double text_width(const std::string& s, double font_size) {
  size_t chars = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++chars;  // count UTF-8 code points
  return 0.6 * font_size * static_cast<double>(chars);
}

// Shortens s to at most max_chars code points, ending with an ellipsis.
std::string shorten(const std::string& s, size_t max_chars) {
  size_t chars = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (chars == max_chars - 1) break;
      ++chars;
    }
  }
  if (i >= s.size()) return s;
  // Does the rest fit in one more code point?
  size_t rest = 0;
  for (size_t j = i; j < s.size(); ++j)
    if ((static_cast<unsigned char>(s[j]) & 0xC0) != 0x80) ++rest;
  if (rest <= 1) return s;
  return s.substr(0, i) + "\xE2\x80\xA6";  // …
}

// A "nice" number near x: 1, 2 or 5 times a power of ten, as (mantissa, exponent).
std::pair<int, int> nice_number(double x, bool round_it) {
  int e = static_cast<int>(std::floor(std::log10(x)));
  double f = x / std::pow(10.0, e);
  int m;
  if (round_it) m = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else m = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  if (m == 10) { m = 1; ++e; }
  return {m, e};
}

// k * m * 10^e as the double nearest to that decimal value.
double scaled(long long k, int m, int e) {
  double km = static_cast<double>(k) * m;
  return e >= 0 ? km * std::pow(10.0, e) : km / std::pow(10.0, -e);
}

}  // namespace

std::string escape_xml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0 text: drop them.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') break;
        out += c;
    }
  }
  return out;
}

std::string format_number(double v, int significant) {
  if (std::isnan(v)) return "n/a";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return "0";
  significant = std::clamp(significant, 1, 17);
  char buf[64];
  const double a = std::fabs(v);
  if (a < 1e15 && (v == std::round(v) || a >= std::pow(10.0, significant))) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.*g", significant, v);
  std::string s(buf);
  // "1.5e-05" -> "1.5e-5"
  size_t e = s.find('e');
  if (e != std::string::npos) {
    std::string mant = s.substr(0, e), ex = s.substr(e + 1);
    char sign = ex[0];
    std::string digits = ex.substr(1);
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    s = mant + "e" + (sign == '-' ? "-" : "+") + digits;
  }
  return s;
}

std::vector<double> nice_ticks(double lo, double hi, int target, bool integer_step) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {0.0, 1.0};
  if (lo > hi) std::swap(lo, hi);
  target = std::max(target, 2);
  if (hi - lo <= 1e-12 * std::max(1.0, std::fabs(lo))) {
    double d = integer_step ? 1.0 : (lo == 0 ? 1.0 : std::fabs(lo) * 0.1);
    lo -= d;
    hi += d;
  }
  auto [rm, re] = nice_number(hi - lo, false);
  double range = scaled(1, rm, re);
  auto [m, e] = nice_number(range / (target - 1), true);
  if (integer_step && e < 0) { m = 1; e = 0; }
  const double d = scaled(1, m, e);
  const long long k0 = static_cast<long long>(std::floor(lo / d + 1e-9));
  const long long k1 = static_cast<long long>(std::ceil(hi / d - 1e-9));
  std::vector<double> ticks;
  for (long long k = k0; k <= k1; ++k) ticks.push_back(scaled(k, m, e));
  if (ticks.size() < 2) ticks.push_back(scaled(k0 + 1, m, e));
  return ticks;
}

const std::string& palette_color(std::size_t index) {
  static const std::vector<std::string> colors = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728",
                                                  "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                                                  "#bcbd22", "#17becf"};
  return colors[index % colors.size()];
}

// ---------------------------------------------------------------- LineChart

LineChart& LineChart::set_x_range(double lo, double hi) {
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi))
    throw std::invalid_argument("LineChart: x range must be finite with lo < hi");
  has_x_range_ = true;
  x_lo_ = lo;
  x_hi_ = hi;
  return *this;
}

LineChart& LineChart::set_y_range(double lo, double hi) {
  if (!(lo < hi) || !std::isfinite(lo) || !std::isfinite(hi))
    throw std::invalid_argument("LineChart: y range must be finite with lo < hi");
  has_y_range_ = true;
  y_lo_ = lo;
  y_hi_ = hi;
  return *this;
}

LineChart& LineChart::set_size(int width, int height) {
  if (width < 160 || height < 120) throw std::invalid_argument("LineChart: size too small");
  width_ = width;
  height_ = height;
  return *this;
}

LineChart& LineChart::add_series(ChartSeries s) {
  if (s.x.size() != s.y.size())
    throw std::invalid_argument("LineChart: series '" + s.name + "' has " +
                                std::to_string(s.x.size()) + " x values but " +
                                std::to_string(s.y.size()) + " y values");
  if (s.color.empty()) s.color = palette_color(series_.size());
  series_.push_back(std::move(s));
  return *this;
}

LineChart& LineChart::add_line(ChartLine l) {
  lines_.push_back(std::move(l));
  return *this;
}

LineChart& LineChart::add_marker(ChartMarker m) {
  markers_.push_back(std::move(m));
  return *this;
}

std::string LineChart::svg() const {
  // ---- axis ranges and ticks
  auto range_of = [&](bool want_x, double& lo, double& hi) {
    lo = std::numeric_limits<double>::infinity();
    hi = -lo;
    auto take = [&](double v) {
      if (std::isfinite(v)) { lo = std::min(lo, v); hi = std::max(hi, v); }
    };
    for (const auto& s : series_)
      for (size_t i = 0; i < s.x.size(); ++i)
        if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) take(want_x ? s.x[i] : s.y[i]);
    for (const auto& l : lines_) { take(want_x ? l.x0 : l.y0); take(want_x ? l.x1 : l.y1); }
    for (const auto& m : markers_) take(want_x ? m.x : m.y);
    if (!std::isfinite(lo)) { lo = 0; hi = 1; }
  };
  auto axis = [&](bool is_x, bool fixed, double flo, double fhi, bool integer, double& a0,
                  double& a1) {
    std::vector<double> ticks;
    if (fixed) {
      a0 = flo;
      a1 = fhi;
      const double eps = 1e-9 * (fhi - flo);
      for (double t : nice_ticks(flo, fhi, 6, integer))
        if (t >= flo - eps && t <= fhi + eps) ticks.push_back(t);
    } else {
      double lo, hi;
      range_of(is_x, lo, hi);
      ticks = nice_ticks(lo, hi, 6, integer);
      a0 = ticks.front();
      a1 = ticks.back();
    }
    return ticks;
  };
  double x0, x1, y0, y1;
  const std::vector<double> xt = axis(true, has_x_range_, x_lo_, x_hi_, integer_x_, x0, x1);
  const std::vector<double> yt = axis(false, has_y_range_, y_lo_, y_hi_, false, y0, y1);

  // ---- legend layout (below the plot)
  struct Entry { std::string label, color; bool dashed; };
  std::vector<Entry> entries;
  for (const auto& s : series_) entries.push_back({s.name, s.color, s.dashed});
  for (const auto& l : lines_)
    if (!l.label.empty()) entries.push_back({l.label, l.color, l.dashed});
  // The left margin fits the widest y tick label beside the rotated y label.
  double tick_w = 0;
  for (double t : yt) tick_w = std::max(tick_w, text_width(format_number(t, 6), 12));
  const double left = std::max(56.0, 38 + tick_w), right = width_ - 16.0, top = 34;
  const double legend_font = 12;
  std::vector<std::pair<double, double>> entry_pos;
  double lx = left;
  int rows = entries.empty() ? 0 : 1;
  for (const auto& en : entries) {
    double w = 26 + text_width(en.label, legend_font) + 14;
    if (lx + w > right && lx > left) { lx = left; ++rows; }
    entry_pos.emplace_back(lx, (rows - 1) * 18.0);
    lx += w;
  }
  const double legend_h = rows * 18.0 + (rows ? 6 : 0);
  const double total_h = height_ + legend_h;
  const double bottom = height_ - 48.0;

  auto map_x = [&](double x) { return left + (x - x0) / (x1 - x0) * (right - left); };
  auto map_y = [&](double y) { return bottom + (y - y0) / (y1 - y0) * (top - bottom); };

  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\"";
  if (!kind_.empty()) o << " data-chart=\"" << escape_xml(kind_) << "\"";
  o << " width=\"" << width_ << "\" height=\"" << px(total_h) << "\" viewBox=\"0 0 " << width_
    << " " << px(total_h) << "\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\""
    << " aria-label=\"" << escape_xml(title_) << "\">\n";
  o << "<title>" << escape_xml(title_) << "</title>\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << width_ << "\" height=\"" << px(total_h)
    << "\" fill=\"#ffffff\"/>\n";
  if (!title_.empty())
    o << "<text class=\"title\" x=\"" << px(width_ / 2.0) << "\" y=\"22\" text-anchor=\"middle\""
      << " font-size=\"15\" font-weight=\"bold\">" << escape_xml(title_) << "</text>\n";

  // ---- grid and ticks
  o << "<g class=\"x-ticks\">\n";
  for (double t : xt) {
    const std::string X = px(map_x(t));
    o << "<line x1=\"" << X << "\" y1=\"" << px(top) << "\" x2=\"" << X << "\" y2=\"" << px(bottom)
      << "\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>"
      << "<text class=\"tick\" x=\"" << X << "\" y=\"" << px(bottom + 16)
      << "\" text-anchor=\"middle\" fill=\"#444444\">" << format_number(t, 6) << "</text>\n";
  }
  o << "</g>\n<g class=\"y-ticks\">\n";
  for (double t : yt) {
    const std::string Y = px(map_y(t));
    o << "<line x1=\"" << px(left) << "\" y1=\"" << Y << "\" x2=\"" << px(right) << "\" y2=\"" << Y
      << "\" stroke=\"#e5e5e5\" stroke-width=\"1\"/>"
      << "<text class=\"tick\" x=\"" << px(left - 6) << "\" y=\"" << px(map_y(t) + 4)
      << "\" text-anchor=\"end\" fill=\"#444444\">" << format_number(t, 6) << "</text>\n";
  }
  o << "</g>\n";
  o << "<rect class=\"frame\" x=\"" << px(left) << "\" y=\"" << px(top) << "\" width=\""
    << px(right - left) << "\" height=\"" << px(bottom - top)
    << "\" fill=\"none\" stroke=\"#999999\" stroke-width=\"1\"/>\n";
  if (!x_label_.empty())
    o << "<text class=\"x-label\" x=\"" << px((left + right) / 2) << "\" y=\"" << px(bottom + 36)
      << "\" text-anchor=\"middle\">" << escape_xml(x_label_) << "</text>\n";
  if (!y_label_.empty()) {
    const std::string cy = px((top + bottom) / 2);
    o << "<text class=\"y-label\" x=\"16\" y=\"" << cy << "\" text-anchor=\"middle\""
      << " transform=\"rotate(-90 16 " << cy << ")\">" << escape_xml(y_label_) << "</text>\n";
  }

  // ---- the plot area: a nested svg in the same pixel coordinates, clipped
  // a few pixels outside the frame so that lines on the border stay whole.
  const double pad = 4;
  o << "<svg class=\"plot\" x=\"" << px(left - pad) << "\" y=\"" << px(top - pad) << "\" width=\""
    << px(right - left + 2 * pad) << "\" height=\"" << px(bottom - top + 2 * pad)
    << "\" viewBox=\"" << px(left - pad) << " " << px(top - pad) << " "
    << px(right - left + 2 * pad) << " " << px(bottom - top + 2 * pad) << "\" overflow=\"hidden\""
    << " data-x0=\"" << exact(x0) << "\" data-x1=\"" << exact(x1) << "\" data-y0=\"" << exact(y0)
    << "\" data-y1=\"" << exact(y1) << "\" data-px0=\"" << px(left) << "\" data-px1=\"" << px(right)
    << "\" data-py0=\"" << px(bottom) << "\" data-py1=\"" << px(top) << "\">\n";
  auto line_el = [&](double ax, double ay, double bx, double by, const std::string& cls,
                     const std::string& color, bool dashed, double width) {
    o << "<line class=\"" << escape_xml(cls) << "\" x1=\"" << px(map_x(ax)) << "\" y1=\""
      << px(map_y(ay)) << "\" x2=\"" << px(map_x(bx)) << "\" y2=\"" << px(map_y(by))
      << "\" stroke=\"" << escape_xml(color) << "\" stroke-width=\"" << px(width) << "\"";
    if (dashed) o << " stroke-dasharray=\"6 4\"";
    o << "/>\n";
  };
  if (diagonal_) line_el(x0, y0, x1, y1, "reference diagonal", "#888888", true, 1.2);
  for (const auto& l : lines_) {
    if (!(std::isfinite(l.x0) && std::isfinite(l.y0) && std::isfinite(l.x1) && std::isfinite(l.y1)))
      continue;
    line_el(l.x0, l.y0, l.x1, l.y1, l.css_class, l.color, l.dashed, 1.4);
  }
  for (const auto& s : series_) {
    std::vector<std::pair<double, double>> pts;
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) pts.emplace_back(s.x[i], s.y[i]);
    std::ostringstream p;
    for (size_t i = 0; i < pts.size(); ++i) {
      if (i) {
        p << ' ';
        if (s.step) p << px(map_x(pts[i].first)) << ',' << px(map_y(pts[i - 1].second)) << ' ';
      }
      p << px(map_x(pts[i].first)) << ',' << px(map_y(pts[i].second));
    }
    o << "<polyline class=\"series\" data-series=\"" << escape_xml(s.name) << "\" data-n=\""
      << pts.size() << "\"";
    if (s.step) o << " data-step=\"post\"";
    o << " points=\"" << p.str() << "\" fill=\"none\" stroke=\"" << escape_xml(s.color)
      << "\" stroke-width=\"2\" stroke-linejoin=\"round\"";
    if (s.dashed) o << " stroke-dasharray=\"6 4\"";
    o << "/>\n";
    if (s.dots)
      for (const auto& [x, y] : pts)
        o << "<circle class=\"dot\" cx=\"" << px(map_x(x)) << "\" cy=\"" << px(map_y(y))
          << "\" r=\"2.5\" fill=\"" << escape_xml(s.color) << "\"/>\n";
  }
  o << "</svg>\n";

  // ---- markers (outside the clip so that a point on the border stays whole)
  for (const auto& m : markers_) {
    if (!std::isfinite(m.x) || !std::isfinite(m.y)) continue;
    const double cx = map_x(m.x), cy = map_y(m.y);
    o << "<g class=\"" << escape_xml(m.css_class) << "\">"
      << "<circle class=\"" << escape_xml(m.css_class) << "\" cx=\"" << px(cx) << "\" cy=\""
      << px(cy) << "\" r=\"5\" fill=\"none\" stroke=\"" << escape_xml(m.color)
      << "\" stroke-width=\"2.5\" data-x=\"" << exact(m.x) << "\" data-y=\"" << exact(m.y)
      << "\"/>";
    if (!m.label.empty()) {
      const bool flip = cx + 10 + text_width(m.label, 12) > right;
      const double ty = cy < top + 20 ? cy + 18 : cy - 9;
      o << "<text x=\"" << px(flip ? cx - 9 : cx + 9) << "\" y=\"" << px(ty) << "\" text-anchor=\""
        << (flip ? "end" : "start") << "\" fill=\"" << escape_xml(m.color) << "\""
        << " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">"
        << escape_xml(m.label) << "</text>";
    }
    o << "</g>\n";
  }

  // ---- legend
  if (!entries.empty()) {
    o << "<g class=\"legend\">\n";
    const double base = height_ + 4.0;
    for (size_t i = 0; i < entries.size(); ++i) {
      const double ex = entry_pos[i].first, ey = base + entry_pos[i].second;
      o << "<line x1=\"" << px(ex) << "\" y1=\"" << px(ey) << "\" x2=\"" << px(ex + 20)
        << "\" y2=\"" << px(ey) << "\" stroke=\"" << escape_xml(entries[i].color)
        << "\" stroke-width=\"2.5\"";
      if (entries[i].dashed) o << " stroke-dasharray=\"5 3\"";
      o << "/><text x=\"" << px(ex + 26) << "\" y=\"" << px(ey + 4) << "\">"
        << escape_xml(entries[i].label) << "</text>\n";
    }
    o << "</g>\n";
  }
  o << "</svg>\n";
  return o.str();
}

// ---------------------------------------------------------------- heat map

std::string heatmap_svg(const std::vector<std::vector<double>>& counts,
                        const std::vector<std::string>& class_names, const std::string& title) {
  const size_t k = class_names.size();
  if (counts.size() != k)
    throw std::invalid_argument("heatmap_svg: " + std::to_string(counts.size()) + " rows for " +
                                std::to_string(k) + " classes");
  for (const auto& row : counts)
    if (row.size() != k)
      throw std::invalid_argument("heatmap_svg: a row has " + std::to_string(row.size()) +
                                  " columns for " + std::to_string(k) + " classes");

  const double cell = k == 0 ? 60 : std::clamp(420.0 / static_cast<double>(k), 30.0, 96.0);
  const double count_font = std::clamp(cell / 4.0, 9.0, 16.0);
  const double pct_font = std::clamp(cell / 5.5, 8.0, 12.0);
  const double label_font = 12;
  const size_t max_chars = 24;
  std::vector<std::string> shown;
  double max_w = 0;
  for (const auto& n : class_names) {
    shown.push_back(shorten(n, max_chars));
    max_w = std::max(max_w, text_width(shown.back(), label_font));
  }
  const bool rotate_cols = max_w > cell - 6;
  const double mx = 34 + max_w + 8;  // matrix left edge
  const double my = 44;               // matrix top edge
  const double side = cell * static_cast<double>(k);
  const double col_label_h = rotate_cols ? 0.72 * max_w + 16 : 20;
  const double width = std::max(mx + side + 24, 260.0);
  const double height = my + side + col_label_h + 34;

  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart heatmap\" data-chart=\"confusion\""
    << " width=\"" << px(width) << "\" height=\"" << px(height) << "\" viewBox=\"0 0 " << px(width)
    << " " << px(height) << "\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\""
    << " aria-label=\"" << escape_xml(title) << "\">\n";
  o << "<title>" << escape_xml(title) << "</title>\n";
  o << "<rect x=\"0\" y=\"0\" width=\"" << px(width) << "\" height=\"" << px(height)
    << "\" fill=\"#ffffff\"/>\n";
  o << "<text class=\"title\" x=\"" << px(width / 2) << "\" y=\"22\" text-anchor=\"middle\""
    << " font-size=\"15\" font-weight=\"bold\">" << escape_xml(title) << "</text>\n";

  for (size_t i = 0; i < k; ++i) {
    double row_sum = 0;
    for (double v : counts[i]) row_sum += std::isfinite(v) ? v : 0;
    for (size_t j = 0; j < k; ++j) {
      const double v = counts[i][j];
      const double frac = row_sum > 0 && std::isfinite(v) ? v / row_sum : 0;
      const double x = mx + cell * j, y = my + cell * i;
      o << "<g class=\"cell-group\"><title>true " << escape_xml(class_names[i]) << ", predicted "
        << escape_xml(class_names[j]) << ": " << format_number(v, 12);
      if (row_sum > 0) {
        char pb[32];
        std::snprintf(pb, sizeof pb, "%.1f%%", 100.0 * frac);
        o << " (" << pb << " of the true class)";
      }
      o << "</title>";
      o << "<rect class=\"cell\" data-row=\"" << i << "\" data-col=\"" << j << "\" data-count=\""
        << exact(v) << "\" data-fraction=\"" << exact(frac) << "\" x=\"" << px(x) << "\" y=\""
        << px(y) << "\" width=\"" << px(cell) << "\" height=\"" << px(cell)
        << "\" fill=\"#08519c\" fill-opacity=\"" << px(0.04 + 0.9 * frac)
        << "\" stroke=\"#ffffff\" stroke-width=\"1\"/>";
      const char* ink = frac > 0.5 ? "#ffffff" : "#111111";
      std::string pct = "\xE2\x80\x93";  // – for an empty row
      if (row_sum > 0) {
        char pb[32];
        std::snprintf(pb, sizeof pb, "%.1f%%", 100.0 * frac);
        pct = pb;
      }
      o << "<text class=\"count\" data-row=\"" << i << "\" data-col=\"" << j << "\" x=\""
        << px(x + cell / 2) << "\" y=\"" << px(y + cell / 2 - 1) << "\" text-anchor=\"middle\""
        << " font-size=\"" << px(count_font) << "\" font-weight=\"bold\" fill=\"" << ink << "\">"
        << format_number(v, 12) << "</text>";
      o << "<text class=\"percent\" data-row=\"" << i << "\" data-col=\"" << j << "\" x=\""
        << px(x + cell / 2) << "\" y=\"" << px(y + cell / 2 + pct_font + 1)
        << "\" text-anchor=\"middle\" font-size=\"" << px(pct_font) << "\" fill=\"" << ink << "\">"
        << pct << "</text></g>\n";
    }
  }
  o << "<rect class=\"frame\" x=\"" << px(mx) << "\" y=\"" << px(my) << "\" width=\"" << px(side)
    << "\" height=\"" << px(side) << "\" fill=\"none\" stroke=\"#999999\" stroke-width=\"1\"/>\n";

  // Class names: rows (true) on the left, columns (predicted) below.
  for (size_t i = 0; i < k; ++i) {
    const double cy = my + cell * i + cell / 2 + 4;
    o << "<g><title>" << escape_xml(class_names[i]) << "</title><text class=\"row-label\""
      << " data-row=\"" << i << "\" x=\"" << px(mx - 6) << "\" y=\"" << px(cy)
      << "\" text-anchor=\"end\">" << escape_xml(shown[i]) << "</text></g>\n";
  }
  for (size_t j = 0; j < k; ++j) {
    const double cx = mx + cell * j + cell / 2, ty = my + side + 14;
    o << "<g><title>" << escape_xml(class_names[j]) << "</title><text class=\"col-label\""
      << " data-col=\"" << j << "\" x=\"" << px(cx) << "\" y=\"" << px(ty) << "\"";
    if (rotate_cols)
      o << " text-anchor=\"end\" transform=\"rotate(-40 " << px(cx) << " " << px(ty) << ")\"";
    else
      o << " text-anchor=\"middle\"";
    o << ">" << escape_xml(shown[j]) << "</text></g>\n";
  }
  const std::string cy = px(my + side / 2);
  o << "<text class=\"y-label\" x=\"14\" y=\"" << cy << "\" text-anchor=\"middle\" font-weight=\"bold\""
    << " transform=\"rotate(-90 14 " << cy << ")\">True class</text>\n";
  o << "<text class=\"x-label\" x=\"" << px(mx + side / 2) << "\" y=\""
    << px(my + side + col_label_h + 18) << "\" text-anchor=\"middle\" font-weight=\"bold\">"
    << "Predicted class</text>\n";
  o << "</svg>\n";
  return o.str();
}

}  // namespace medcnn
