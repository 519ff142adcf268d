#include "report/svg_plot.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>

namespace neuralrg::report {
namespace {

constexpr std::array<const char*, 8> kSeriesColours = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                                       "#9467bd", "#8c564b", "#e377c2", "#17becf"};
constexpr const char* kFont = "font-family=\"sans-serif\"";

struct Rgb {
  double r, g, b;
};

Rgb interpolate(const std::vector<Rgb>& stops, double t) {
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * static_cast<double>(stops.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(t), stops.size() - 2);
  const double f = t - static_cast<double>(i);
  const Rgb& a = stops[i];
  const Rgb& b = stops[i + 1];
  return {a.r + f * (b.r - a.r), a.g + f * (b.g - a.g), a.b + f * (b.b - a.b)};
}

// Viridis (perceptually uniform, readable in grey) and a blue–white–red scale for signed data.
std::string colour(double t, bool diverging) {
  static const std::vector<Rgb> viridis = {
      {68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  static const std::vector<Rgb> red_blue = {
      {33, 102, 172}, {146, 197, 222}, {247, 247, 247}, {244, 165, 130}, {178, 24, 43}};
  const Rgb c = interpolate(diverging ? red_blue : viridis, t);
  return fmt::format("#{:02x}{:02x}{:02x}", static_cast<int>(c.r), static_cast<int>(c.g),
                     static_cast<int>(c.b));
}

std::string tick_text(double v) {
  if (v == 0) return "0";
  const double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) return fmt::format("{:.0e}", v);
  return fmt::format("{:g}", v);
}

std::string svg_open(int width, int height, const std::string& title) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"figure\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" role=\"img\"><title>{2}</title>"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>"
      "<text x=\"{3}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\" "
      "{4}>{2}"
      "</text>",
      width, height, escape(title), width / 2, kFont);
}

// A linear or decimal-log axis mapping data to pixels.
struct Axis {
  double lo, hi;
  double p0, p1;  // pixels of lo and hi
  bool log = false;
  double to_pixel(double v) const {
    const double a = log ? std::log10(v) : v;
    const double b = log ? std::log10(lo) : lo;
    const double c = log ? std::log10(hi) : hi;
    return p0 + (a - b) / (c - b) * (p1 - p0);
  }
  bool valid(double v) const { return std::isfinite(v) && (!log || v > 0); }
};

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e) {
    const double t = std::pow(10.0, e);
    if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
  }
  if (ticks.size() < 2) return nice_ticks(lo, hi, 4);
  return ticks;
}

// Data range over finite values, widened when degenerate and padded by 5 %.
std::pair<double, double> padded_range(const std::vector<double>& values, bool log) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values)
    if (std::isfinite(v) && (!log || v > 0)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) return log ? std::pair{0.1, 1.0} : std::pair{0.0, 1.0};
  if (log) {
    if (hi <= lo) hi = lo * 10;
    const double pad = std::pow(hi / lo, 0.05);
    return {lo / pad, hi * pad};
  }
  if (hi <= lo) {
    const double w = std::abs(lo) > 0 ? 0.1 * std::abs(lo) : 1.0;
    return {lo - w, hi + w};
  }
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

std::string colour_bar(double x, double y, double height, double lo, double hi, bool diverging,
                       const std::string& label) {
  std::string out;
  const int steps = 64;
  for (int i = 0; i < steps; ++i) {
    const double t = (i + 0.5) / steps;
    out +=
        fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"{:.2f}\" fill=\"{}\"/>",
                    x, y + height * (1 - static_cast<double>(i + 1) / steps), height / steps + 0.5,
                    colour(t, diverging));
  }
  out += fmt::format(
      "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"{:.1f}\" fill=\"none\" "
      "stroke=\"#333\"/>",
      x, y, height);
  for (double t : nice_ticks(lo, hi, 5)) {
    const double py = y + height * (1 - (t - lo) / (hi - lo));
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{1:.1f}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"#333\"/><text x=\"{3:.1f}\" y=\"{4:.1f}\" font-size=\"10\" {5}>{6}"
        "</text>",
        x + 14, x + 18, py, x + 20, py + 3.5, kFont, tick_text(t));
  }
  out += fmt::format(
      "<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" "
      "text-anchor=\"middle\" font-size=\"11\" {}>{}</text>",
      x + 58, y + height / 2, kFont, escape(label));
  return out;
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  return out;
}

std::vector<double> nice_ticks(double lo, double hi, int count) {
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return {lo};
  // The 1-2-5 step whose tick count is nearest to `count`.
  const double magnitude = std::pow(10.0, std::floor(std::log10((hi - lo) / std::max(count, 1))));
  double step = magnitude;
  double best = INFINITY;
  for (double m : {0.5, 1.0, 2.0, 5.0, 10.0}) {
    const double candidate = m * magnitude;
    const double ticks = std::floor(hi / candidate) - std::ceil(lo / candidate) + 1;
    if (std::abs(ticks - count) < best) best = std::abs(ticks - count), step = candidate;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step)
    ticks.push_back(std::abs(t) < 1e-12 * step ? 0.0 : t);
  return ticks;
}

std::string render(const LinePlot& plot, int width, int height) {
  const double left = 72, right = 16, top = 34, bottom = 48;
  std::vector<double> xs, ys;
  for (const auto& s : plot.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      xs.push_back(s.x[i]);
      const double e = i < s.error.size() ? s.error[i] : 0;
      ys.push_back(s.y[i] - e);
      ys.push_back(s.y[i] + e);
    }
  for (const auto& r : plot.references) ys.push_back(r.y);
  const bool categorical = !plot.x_categories.empty();
  auto [xlo, xhi] = categorical
                        ? std::pair{-0.5, static_cast<double>(plot.x_categories.size()) - 0.5}
                        : padded_range(xs, false);
  auto [ylo, yhi] = padded_range(ys, plot.log_y);
  bool has_legend = false;
  for (const auto& series : plot.series) has_legend |= !series.label.empty();
  for (const auto& r : plot.references) has_legend |= !r.label.empty();
  if (has_legend)  // headroom so the legend box does not cover data
    yhi = plot.log_y ? yhi * std::pow(yhi / ylo, 0.3) : yhi + 0.3 * (yhi - ylo);
  if (plot.y_min) ylo = *plot.y_min;
  if (plot.y_max) yhi = *plot.y_max;
  const Axis ax{xlo, xhi, left, width - right};
  const Axis ay{ylo, yhi, height - bottom, top, plot.log_y};

  std::string out = svg_open(width, height, plot.title);
  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
      "stroke=\"#333\"/>",
      left, top, width - left - right, height - top - bottom);
  // Ticks and grid lines.
  const auto yt = plot.log_y ? log_ticks(ylo, yhi) : nice_ticks(ylo, yhi, 5);
  for (double t : yt) {
    const double py = ay.to_pixel(t);
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" font-size=\"11\" {5}>{6}"
        "</text>",
        left, width - right, py, left - 5, py + 4, kFont, tick_text(t));
  }
  std::vector<std::pair<double, std::string>> xt;
  if (categorical)
    for (std::size_t i = 0; i < plot.x_categories.size(); ++i)
      xt.emplace_back(static_cast<double>(i), plot.x_categories[i]);
  else
    for (double t : nice_ticks(xlo, xhi, 6)) xt.emplace_back(t, tick_text(t));
  for (const auto& [t, text] : xt) {
    const double px = ax.to_pixel(t);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" font-size=\"11\" {4}>{5}"
        "</text>",
        px, top, height - bottom, height - bottom + 15, kFont, escape(text));
  }
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" {}>{}"
      "</text>",
      left + (width - left - right) / 2, height - 10, kFont, escape(plot.x_label));
  out += fmt::format(
      "<text transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\" "
      "font-size=\"12\" {}>{}</text>",
      top + (height - top - bottom) / 2, kFont, escape(plot.y_label));

  // Figures share one HTML page, so every clip path needs its own id.
  static std::atomic<int> figures{0};
  const int clip_id = ++figures;
  out += fmt::format(
      "<clipPath id=\"plot-area-{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
      "height=\"{}\"/></clipPath><g clip-path=\"url(#plot-area-{})\">",
      clip_id, left, top, width - left - right, height - top - bottom, clip_id);
  std::vector<std::pair<std::string, std::string>> legend;  // label, swatch markup
  for (std::size_t k = 0; k < plot.references.size(); ++k) {
    const auto& r = plot.references[k];
    if (!ay.valid(r.y)) continue;
    const double py = ay.to_pixel(r.y);
    out += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#000\" "
        "stroke-dasharray=\"6 4\" stroke-width=\"1.2\"/>",
        left, width - right, py, py);
    if (!r.label.empty()) legend.emplace_back(r.label, "stroke=\"#000\" stroke-dasharray=\"6 4\"");
  }
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    const char* c = kSeriesColours[k % kSeriesColours.size()];
    if (s.points) {
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (!ay.valid(s.y[i]) || !std::isfinite(s.x[i])) continue;
        const double px = ax.to_pixel(s.x[i]), py = ay.to_pixel(s.y[i]);
        if (i < s.error.size() && s.error[i] > 0) {
          const double e = s.error[i];
          const double y1 = ay.valid(s.y[i] - e) ? ay.to_pixel(s.y[i] - e) : height - bottom;
          const double y2 = ay.to_pixel(s.y[i] + e);
          out += fmt::format(
              "<path d=\"M{0:.1f},{1:.1f}V{2:.1f}M{3:.1f},{1:.1f}H{4:.1f}M{3:.1f},"
              "{2:.1f}H{4:.1f}\" stroke=\"{5}\" stroke-width=\"1.4\" fill=\"none\"/>",
              px, y1, y2, px - 4, px + 4, c);
        }
        out +=
            fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>", px, py, c);
      }
    } else {
      std::string path;
      bool pen_down = false;
      // Long series are thinned to at most ~2 points per pixel column.
      const std::size_t stride = std::max<std::size_t>(1, s.x.size() / (2 * (width - 88)));
      for (std::size_t i = 0; i < s.x.size(); i += stride) {
        if (!ay.valid(s.y[i]) || !std::isfinite(s.x[i])) {
          pen_down = false;
          continue;
        }
        path += fmt::format("{}{:.1f},{:.1f}", pen_down ? "L" : "M", ax.to_pixel(s.x[i]),
                            ay.to_pixel(s.y[i]));
        pen_down = true;
      }
      out +=
          fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" fill=\"none\"/>", path, c);
    }
    if (!s.label.empty())
      legend.emplace_back(
          s.label, s.points ? fmt::format("stroke=\"{}\" stroke-width=\"7\" "
                                          "stroke-dasharray=\"7 13\" stroke-dashoffset=\"-6\"",
                                          c)
                            : fmt::format("stroke=\"{}\" stroke-width=\"2\"", c));
  }
  out += "</g>";
  if (!legend.empty()) {
    std::size_t longest = 0;
    for (const auto& [label, _] : legend) longest = std::max(longest, label.size());
    const double w = 34 + 6.2 * static_cast<double>(longest), h = 6 + 16.0 * legend.size();
    const double x0 = width - right - w - 6, y0 = top + 6;
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
        "fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>",
        x0, y0, w, h);
    for (std::size_t k = 0; k < legend.size(); ++k) {
      const double y = y0 + 14 + 16.0 * k;
      out += fmt::format(
          "<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{:.1f}\" y2=\"{:.1f}\" {}/>"
          "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"11\" {}>{}</text>",
          x0 + 6, x0 + 26, y - 4, y - 4, legend[k].second, x0 + 30, y, kFont,
          escape(legend[k].first));
    }
  }
  return out + "</svg>";
}

std::string render(const HeatMap& map, int width, int height) {
  const double left = 48, top = 34, bottom = 44, bar = 84;
  const Index rows = map.values.rows(), cols = map.values.cols();
  const bool empty = map.values.size() == 0;
  double lo = map.lo.value_or(empty ? 0.0 : map.values.minCoeff());
  double hi = map.hi.value_or(empty ? 1.0 : map.values.maxCoeff());
  if (map.diverging && !map.lo && !map.hi) hi = std::max(std::abs(lo), std::abs(hi)), lo = -hi;
  if (!(hi > lo)) hi = lo + 1;
  const double side = std::min(width - left - bar, height - top - bottom);
  const double cell_w = side / std::max<Index>(cols, 1), cell_h = side / std::max<Index>(rows, 1);
  std::string out = svg_open(width, height, map.title);
  for (Index r = 0; r < rows; ++r)
    for (Index c = 0; c < cols; ++c)
      out += fmt::format(
          "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" "
          "fill=\"{}\"/>",
          left + c * cell_w, top + r * cell_h, cell_w + 0.3, cell_h + 0.3,
          colour((map.values(r, c) - lo) / (hi - lo), map.diverging));
  out += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"none\" "
      "stroke=\"#333\"/>",
      left, top, side, side);
  for (double t : nice_ticks(0, static_cast<double>(cols - 1), 4))
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"10\" "
        "{}>{}</text>",
        left + (t + 0.5) * cell_w, top + side + 13, kFont, tick_text(t));
  for (double t : nice_ticks(0, static_cast<double>(rows - 1), 4))
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"10\" "
        "{}>{}</text>",
        left - 4, top + (t + 0.5) * cell_h + 3.5, kFont, tick_text(t));
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\" "
      "{}>{}</text>",
      left + side / 2, top + side + 30, kFont, escape(map.x_label));
  out += fmt::format(
      "<text transform=\"translate(14,{:.1f}) rotate(-90)\" text-anchor=\"middle\" "
      "font-size=\"12\" {}>{}</text>",
      top + side / 2, kFont, escape(map.y_label));
  out += colour_bar(left + side + 10, top, side, lo, hi, map.diverging, map.value_label);
  return out + "</svg>";
}

std::string render(const ImageGrid& grid, int width) {
  const int n = static_cast<int>(grid.images.size());
  const int columns = std::max(1, std::min(grid.columns, n));
  const int rows = (n + columns - 1) / columns;
  const double left = 10, top = 34, bar = 84, gap = 4;
  const double cell = (width - left - bar - gap * (columns - 1)) / columns;
  const int height = static_cast<int>(top + rows * (cell + gap) + 10);
  std::string out = svg_open(width, std::max(height, 120), grid.title);
  for (int k = 0; k < n; ++k) {
    const Matrix& img = grid.images[static_cast<std::size_t>(k)];
    const double x0 = left + (k % columns) * (cell + gap), y0 = top + (k / columns) * (cell + gap);
    const double pw = cell / std::max<Index>(img.cols(), 1),
                 ph = cell / std::max<Index>(img.rows(), 1);
    for (Index r = 0; r < img.rows(); ++r)
      for (Index c = 0; c < img.cols(); ++c)
        out += fmt::format(
            "<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{:.2f}\" "
            "fill=\"{}\"/>",
            x0 + c * pw, y0 + r * ph, pw + 0.3, ph + 0.3,
            colour((img(r, c) - grid.lo) / (grid.hi - grid.lo), false));
  }
  out += colour_bar(left + columns * (cell + gap) + 6, top, std::min(rows * (cell + gap), 200.0),
                    grid.lo, grid.hi, false, grid.value_label);
  return out + "</svg>";
}

}  // namespace neuralrg::report
