// SVG figures: ticks, escaping, and that every figure carries its title, axis labels and legend.
#include <doctest/doctest.h>

#include <string>

#include "report/svg_plot.hpp"

using namespace neuralrg;
using namespace neuralrg::report;

namespace {
bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("ticks are round numbers covering the range") {
  const auto t = nice_ticks(0.0, 1.0, 5);
  REQUIRE(t.size() == 6);
  CHECK(t.front() == 0.0);
  CHECK(t[1] == doctest::Approx(0.2));
  CHECK(t.back() == doctest::Approx(1.0));
  const auto u = nice_ticks(-37.4, -36.1, 5);
  CHECK(u.front() >= -37.4);
  CHECK(u.back() <= -36.1);
  CHECK(u.size() >= 3);
}

TEST_CASE("text is escaped for HTML and SVG") {
  CHECK(escape("a < b & \"c\" > d") == "a &lt; b &amp; &quot;c&quot; &gt; d");
}

TEST_CASE("a line plot has its title, axis labels, legend and log ticks") {
  LinePlot p{"Relative <error>", "epoch", "error", {}, {}, true, {}, {}, {}};
  p.series.push_back({"per epoch", {0, 1, 2, 3}, {1, 0.1, 0.01, -1}, {}, false});
  p.references.push_back({"goal", 0.005});
  const std::string svg = render(p);
  CHECK(contains(svg, "<title>Relative &lt;error&gt;</title>"));
  CHECK(contains(svg, ">epoch</text>"));
  CHECK(contains(svg, ">error</text>"));
  CHECK(contains(svg, ">per epoch</text>"));
  CHECK(contains(svg, ">goal</text>"));
  CHECK(contains(svg, ">0.01</text>"));      // a decade tick
  CHECK(contains(svg, "stroke-dasharray"));  // the reference line
}

TEST_CASE("a heat map has a colour bar with its label — diverging maps are symmetric") {
  Matrix m(2, 2);
  m << -1, 0.5, 0.25, 0;
  const std::string svg = render(HeatMap{"Response", "column", "row", "∂z/∂x", m, true, {}, {}});
  CHECK(contains(svg, ">∂z/∂x</text>"));
  CHECK(contains(svg, ">-1</text>"));
  CHECK(contains(svg, ">1</text>"));  // the range is widened to ±1 around 0
}
