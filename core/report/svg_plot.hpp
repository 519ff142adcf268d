// Self-contained SVG figures for reports: line/point plots with error bars and reference lines,
// heat maps with a colour bar, and grids of lattice configurations. No external resources, so a
// report opens offline.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg::report {

struct Series {
  std::string label;  ///< Legend entry (empty: not in the legend).
  std::vector<double> x, y;
  std::vector<double> error;  ///< Symmetric error bars (empty: none).
  bool points = false;        ///< Markers instead of a line.
};

struct ReferenceLine {
  std::string label;
  double y;
};

struct LinePlot {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  std::vector<ReferenceLine> references;  ///< Dashed horizontal lines (exact values).
  bool log_y = false;
  /// Category names: x values are indices into this list and label the ticks.
  std::vector<std::string> x_categories;
  std::optional<double> y_min, y_max;  ///< Fixed y range (data outside is clipped).
  bool log_x = false;                  ///< Logarithmic x axis (numeric x only).
};

struct HeatMap {
  std::string title, x_label, y_label;
  std::string value_label;       ///< Colour-bar label.
  Matrix values;                 ///< Drawn with row 0 at the top.
  bool diverging = false;        ///< Blue–white–red around 0, else a sequential scale.
  std::optional<double> lo, hi;  ///< Colour range (default: the data's, symmetric if diverging).
};

struct ImageGrid {
  std::string title;
  std::string value_label;     ///< Colour-bar label, e.g. "P(s = +1 | x)".
  std::vector<Matrix> images;  ///< Each L×L, row 0 at the top.
  double lo = 0, hi = 1;
  int columns = 8;
};

/// Each returns an <svg> element with a <title> and labelled axes, sized in CSS pixels.
std::string render(const LinePlot& plot, int width = 560, int height = 360);
std::string render(const HeatMap& map, int width = 360, int height = 320);
std::string render(const ImageGrid& grid, int width = 560);

/// Round tick positions covering [lo, hi] (1-2-5 steps), about `count` of them.
std::vector<double> nice_ticks(double lo, double hi, int count);

/// Text with &, <, > and quotes escaped for HTML and SVG.
std::string escape(const std::string& text);

}  // namespace neuralrg::report
