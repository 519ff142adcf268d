#include "report/svg_plot.hpp"

#include "report/svg_common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>

namespace neuralrg::report {
namespace {

using namespace detail;

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
