// render(LinePlot): frame, axes, reference lines, series and legend, each its own part.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>

#include "report/svg_common.hpp"
#include "report/svg_plot.hpp"

namespace neuralrg::report {
namespace {

using namespace detail;

constexpr double kLeft = 72, kRight = 16, kTop = 34, kBottom = 48;

// The plot area in pixels and the data ranges mapped onto it.
struct Frame {
  int width, height;
  Axis x, y;
  double right() const { return width - kRight; }
  double bottom() const { return height - kBottom; }
};

// A legend entry: its label and the attributes of its swatch line.
using Legend = std::vector<std::pair<std::string, std::string>>;

Frame frame_of(const LinePlot& plot, int width, int height) {
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
                        : padded_range(xs, plot.log_x);
  auto [ylo, yhi] = padded_range(ys, plot.log_y);
  bool has_legend = false;
  for (const auto& series : plot.series) has_legend |= !series.label.empty();
  for (const auto& r : plot.references) has_legend |= !r.label.empty();
  if (has_legend)  // headroom so the legend box does not cover data
    yhi = plot.log_y ? yhi * std::pow(yhi / ylo, 0.3) : yhi + 0.3 * (yhi - ylo);
  if (plot.y_min) ylo = *plot.y_min;
  if (plot.y_max) yhi = *plot.y_max;
  return {width, height, Axis{xlo, xhi, kLeft, width - kRight, plot.log_x && !categorical},
          Axis{ylo, yhi, height - kBottom, kTop, plot.log_y}};
}

std::string axes(const LinePlot& plot, const Frame& f) {
  std::string out = fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" "
      "stroke=\"#333\"/>",
      kLeft, kTop, f.width - kLeft - kRight, f.height - kTop - kBottom);
  const auto yt = plot.log_y ? log_ticks(f.y.lo, f.y.hi) : nice_ticks(f.y.lo, f.y.hi, 5);
  for (double t : yt) {
    const double py = f.y.to_pixel(t);
    out += fmt::format(
        "<line x1=\"{0}\" x2=\"{1}\" y1=\"{2:.1f}\" y2=\"{2:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{3}\" y=\"{4:.1f}\" text-anchor=\"end\" font-size=\"11\" {5}>{6}"
        "</text>",
        kLeft, f.right(), py, kLeft - 5, py + 4, kFont, tick_text(t));
  }
  std::vector<std::pair<double, std::string>> xt;
  if (!plot.x_categories.empty())
    for (std::size_t i = 0; i < plot.x_categories.size(); ++i)
      xt.emplace_back(static_cast<double>(i), plot.x_categories[i]);
  else
    for (double t : plot.log_x ? log_ticks(f.x.lo, f.x.hi) : nice_ticks(f.x.lo, f.x.hi, 6))
      xt.emplace_back(t, tick_text(t));
  for (const auto& [t, text] : xt) {
    const double px = f.x.to_pixel(t);
    out += fmt::format(
        "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#ddd\"/>"
        "<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\" font-size=\"11\" {4}>{5}"
        "</text>",
        px, kTop, f.bottom(), f.bottom() + 15, kFont, escape(text));
  }
  out += fmt::format(
      "<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" {}>{}"
      "</text>",
      kLeft + (f.width - kLeft - kRight) / 2, f.height - 10, kFont, escape(plot.x_label));
  out += fmt::format(
      "<text transform=\"translate(16,{:.1f}) rotate(-90)\" text-anchor=\"middle\" "
      "font-size=\"12\" {}>{}</text>",
      kTop + (f.height - kTop - kBottom) / 2, kFont, escape(plot.y_label));
  return out;
}

std::string references(const LinePlot& plot, const Frame& f, Legend& legend) {
  std::string out;
  for (const auto& r : plot.references) {
    if (!f.y.valid(r.y)) continue;
    const double py = f.y.to_pixel(r.y);
    out += fmt::format(
        "<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#000\" "
        "stroke-dasharray=\"6 4\" stroke-width=\"1.2\"/>",
        kLeft, f.right(), py, py);
    if (!r.label.empty()) legend.emplace_back(r.label, "stroke=\"#000\" stroke-dasharray=\"6 4\"");
  }
  return out;
}

std::string points(const Series& s, const char* c, const Frame& f) {
  std::string out;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    if (!f.y.valid(s.y[i]) || !f.x.valid(s.x[i])) continue;
    const double px = f.x.to_pixel(s.x[i]), py = f.y.to_pixel(s.y[i]);
    if (i < s.error.size() && s.error[i] > 0) {
      const double e = s.error[i];
      const double y1 = f.y.valid(s.y[i] - e) ? f.y.to_pixel(s.y[i] - e) : f.bottom();
      const double y2 = f.y.to_pixel(s.y[i] + e);
      out += fmt::format(
          "<path d=\"M{0:.1f},{1:.1f}V{2:.1f}M{3:.1f},{1:.1f}H{4:.1f}M{3:.1f},"
          "{2:.1f}H{4:.1f}\" stroke=\"{5}\" stroke-width=\"1.4\" fill=\"none\"/>",
          px, y1, y2, px - 4, px + 4, c);
    }
    out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3.5\" fill=\"{}\"/>", px, py, c);
  }
  return out;
}

std::string line(const Series& s, const char* c, const Frame& f) {
  std::string path;
  bool pen_down = false;
  // Long series are thinned to at most ~2 points per pixel column.
  const std::size_t stride = std::max<std::size_t>(1, s.x.size() / (2 * (f.width - 88)));
  for (std::size_t i = 0; i < s.x.size(); i += stride) {
    if (!f.y.valid(s.y[i]) || !f.x.valid(s.x[i])) {
      pen_down = false;
      continue;
    }
    path += fmt::format("{}{:.1f},{:.1f}", pen_down ? "L" : "M", f.x.to_pixel(s.x[i]),
                        f.y.to_pixel(s.y[i]));
    pen_down = true;
  }
  return fmt::format("<path d=\"{}\" stroke=\"{}\" stroke-width=\"1.5\" fill=\"none\"/>", path, c);
}

std::string legend_box(const Legend& legend, const Frame& f) {
  if (legend.empty()) return {};
  std::size_t longest = 0;
  for (const auto& [label, _] : legend) longest = std::max(longest, label.size());
  const double w = 34 + 6.2 * static_cast<double>(longest), h = 6 + 16.0 * legend.size();
  const double x0 = f.right() - w - 6, y0 = kTop + 6;
  std::string out = fmt::format(
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
  return out;
}

}  // namespace

std::string render(const LinePlot& plot, int width, int height) {
  const Frame f = frame_of(plot, width, height);
  std::string out = svg_open(width, height, plot.title) + axes(plot, f);
  // Figures share one HTML page, so every clip path needs its own id.
  static std::atomic<int> figures{0};
  const int clip_id = ++figures;
  out += fmt::format(
      "<clipPath id=\"plot-area-{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" "
      "height=\"{}\"/></clipPath><g clip-path=\"url(#plot-area-{})\">",
      clip_id, kLeft, kTop, width - kLeft - kRight, height - kTop - kBottom, clip_id);
  Legend legend;
  out += references(plot, f, legend);
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const auto& s = plot.series[k];
    const char* c = kSeriesColours[k % kSeriesColours.size()];
    out += s.points ? points(s, c, f) : line(s, c, f);
    if (!s.label.empty())
      legend.emplace_back(
          s.label, s.points ? fmt::format("stroke=\"{}\" stroke-width=\"7\" "
                                          "stroke-dasharray=\"7 13\" stroke-dashoffset=\"-6\"",
                                          c)
                            : fmt::format("stroke=\"{}\" stroke-width=\"2\"", c));
  }
  return out + "</g>" + legend_box(legend, f) + "</svg>";
}

}  // namespace neuralrg::report
