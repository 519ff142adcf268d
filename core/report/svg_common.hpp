// What the SVG figures share: colours, the font, tick labels, the page-less <svg> opening and
// the mapping from data to pixels. Internal to core/report.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace neuralrg::report::detail {

inline constexpr std::array<const char*, 8> kSeriesColours = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"};
inline constexpr const char* kFont = "font-family=\"sans-serif\"";

/// "0", "0.25", "1e+05": short tick labels.
std::string tick_text(double v);
/// <svg …> with a white background and the centred title.
std::string svg_open(int width, int height, const std::string& title);

/// A linear or decimal-log axis mapping data to pixels.
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

/// Decades within [lo, hi] (nice linear ticks if fewer than two).
std::vector<double> log_ticks(double lo, double hi);
/// Data range over finite values (positive ones on a log axis), widened when degenerate and
/// padded by 5 %.
std::pair<double, double> padded_range(const std::vector<double>& values, bool log);

}  // namespace neuralrg::report::detail
