#include "report/comparison_groups.hpp"

#include <fmt/format.h>

#include <cmath>

#include "report/svg_plot.hpp"

namespace neuralrg::report {

namespace {

std::string number_text(double v, const char* format = "{:.6g}") {
  return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string();
}

std::string plus_minus(const MeanError& m, const char* format) {
  if (!std::isfinite(m.mean)) return "—";
  if (!std::isfinite(m.stderr_)) return number_text(m.mean, format);
  return number_text(m.mean, format) + " ± " + number_text(m.stderr_, "{:.2g}");
}

std::string list_text(const std::vector<std::string>& names, const char* separator) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : separator) + n;
  return out;
}

// "3 of 3"; "3 of 3, 1 diverged" when a completed run's error is not finite (its mean is over
// the others, which flatters the variant: the reader must see it).
std::string runs_text(const GroupRow& g) {
  std::string text = fmt::format("{} of {}", g.completed, g.runs);
  if (g.error.count < g.completed)
    text += fmt::format(", {} diverged", g.completed - g.error.count);
  return text;
}

std::size_t pairs_judged(const std::vector<GroupRow>& groups) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < groups.size(); ++i)
    for (std::size_t j = i + 1; j < groups.size(); ++j)
      n += std::isfinite(groups[i].error.mean) && std::isfinite(groups[j].error.mean);
  return n;
}

}  // namespace

std::vector<GroupRow> summarize_groups(const std::vector<RunNumbers>& runs) {
  std::vector<std::string> names;
  for (const auto& r : runs) names.push_back(r.group);
  const Grouping grouping = group_runs(names);
  std::vector<GroupRow> rows(grouping.names.size());
  std::vector<std::vector<double>> error(rows.size()), best(rows.size()), ess(rows.size()),
      speed(rows.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::size_t g = grouping.of_run[i];
    GroupRow& row = rows[g];
    row.name = grouping.names[g];
    row.parameters = runs[i].parameters;
    ++row.runs;
    if (!runs[i].completed) continue;  // a failed seed must not pull the mean
    ++row.completed;
    error[g].push_back(runs[i].error), best[g].push_back(runs[i].best);
    ess[g].push_back(runs[i].ess), speed[g].push_back(runs[i].seconds_per_epoch);
  }
  std::vector<MeanError> errors;
  for (std::size_t g = 0; g < rows.size(); ++g) {
    rows[g].error = mean_error(error[g]), rows[g].best = mean_error(best[g]);
    rows[g].ess = mean_error(ess[g]), rows[g].seconds_per_epoch = mean_error(speed[g]);
    errors.push_back(rows[g].error);
  }
  for (const Difference& d : differences(errors))
    if (d.significant) rows[d.b].worse_than.push_back(rows[d.a].name);
  return rows;
}

std::string groups_csv(const std::vector<GroupRow>& groups, bool relative) {
  const char* error = relative ? "final_relative_error" : "final_bound";
  std::string csv = fmt::format(
      "variant,runs,completed,finite,parameters,{0},{0}_stderr,best_relative_error,"
      "best_relative_error_stderr,ess,ess_stderr,seconds_per_epoch,worse_than\n",
      error);
  for (const auto& g : groups)
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", g.name, g.runs, g.completed,
                       g.error.count, g.parameters, number_text(g.error.mean, "{:.10g}"),
                       number_text(g.error.stderr_), number_text(g.best.mean),
                       number_text(g.best.stderr_), number_text(g.ess.mean),
                       number_text(g.ess.stderr_), number_text(g.seconds_per_epoch.mean),
                       list_text(g.worse_than, ";"));
  return csv;
}

std::string groups_html(const std::vector<GroupRow>& groups, bool relative) {
  std::string html = fmt::format(
      "<table><tr><th>variant</th><th>completed runs</th><th>{}</th><th>best relative error</th>"
      "<th>ESS/batch</th><th>parameters</th><th>seconds/epoch</th></tr>\n",
      relative ? "final relative error" : "final bound");
  bool judged = false;
  for (const auto& g : groups) {
    judged = judged || std::isfinite(g.error.stderr_);
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        escape(g.name), runs_text(g), plus_minus(g.error, relative ? "{:.3e}" : "{:.6f}"),
        plus_minus(g.best, "{:.3e}"), plus_minus(g.ess, "{:.3f}"), g.parameters,
        number_text(g.seconds_per_epoch.mean, "{:.3g}"));
  }
  html += "</table>\n";
  if (!judged)
    return html +
           "<p>One seed per variant: the differences above cannot be told apart from "
           "seed-to-seed noise. Set <code>seeds: 3</code> (or more) to judge them.</p>\n";
  html += fmt::format(
      "<p>Mean ± standard error over seeds. A difference is marked significant when it exceeds "
      "{}× the combined standard error √(σ₁² + σ₂²); {} pairs were compared, so with many "
      "variants a chance pass or two is expected.</p>\n<ul>\n",
      kSignificance, pairs_judged(groups));
  bool any = false;
  for (const auto& g : groups)
    for (const auto& better : g.worse_than) {
      html += fmt::format("<li><b>{}</b> is better than <b>{}</b></li>\n", escape(better),
                          escape(g.name));
      any = true;
    }
  if (!any) html += "<li>No difference between variants exceeds its combined error.</li>\n";
  return html + "</ul>\n";
}

std::string cost_figure_svg(const std::vector<GroupRow>& groups, bool relative) {
  LinePlot plot{"Error against cost",
                "seconds per epoch (mean over seeds)",
                relative ? "final relative error" : "final bound",
                {},
                {},
                relative,
                {},
                {},
                {}};
  for (const auto& g : groups) {
    if (!std::isfinite(g.error.mean) || !std::isfinite(g.seconds_per_epoch.mean)) continue;
    const double bar = std::isfinite(g.error.stderr_) ? g.error.stderr_ : 0.0;
    plot.series.push_back({fmt::format("{} ({} parameters)", g.name, g.parameters),
                           {g.seconds_per_epoch.mean},
                           {g.error.mean},
                           {bar},
                           true});
  }
  return render(plot, 720, 420);
}

}  // namespace neuralrg::report
