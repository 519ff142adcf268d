#include "report/svg_common.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "report/svg_plot.hpp"

namespace neuralrg::report::detail {

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

std::vector<double> log_ticks(double lo, double hi) {
  std::vector<double> ticks;
  for (double e = std::floor(std::log10(lo)); e <= std::ceil(std::log10(hi)); ++e) {
    const double t = std::pow(10.0, e);
    if (t >= lo * (1 - 1e-9) && t <= hi * (1 + 1e-9)) ticks.push_back(t);
  }
  if (ticks.size() < 2) return nice_ticks(lo, hi, 4);
  return ticks;
}

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

}  // namespace neuralrg::report::detail
