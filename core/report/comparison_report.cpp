#include "report/comparison_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "report/comparison_groups.hpp"
#include "report/run_report.hpp"
#include "report/sampler_efficiency.hpp"
#include "report/svg_plot.hpp"
#include "report/training_summary.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"

namespace neuralrg::report {
namespace fs = std::filesystem;

namespace {

struct SamplingSummary {
  std::string sampler;  ///< "hmc (latent)"
  double acceptance;
  double tau_int;  ///< The largest over the stage's observables.
  double r_hat;    ///< The largest over the stage's observables (NaN in tables without it).
};

// Per sample stage index, in stage order.
std::map<int, SamplingSummary> summarize_sampling(const fs::path& dir) {
  std::map<int, SamplingSummary> out;
  if (!fs::exists(dir / "observables.csv")) return out;
  const CsvTable t = read_csv(dir / "observables.csv");
  const auto stage = t.numbers("stage"), acc = t.numbers("acceptance"), tau = t.numbers("tau_int"),
             r_hat = t.numbers("r_hat");
  const auto c_sampler = t.column("sampler"), c_space = t.column("space");
  const auto n = t.rows.size();
  if (!c_sampler || !c_space || stage.size() != n || acc.size() != n || tau.size() != n)
    return out;  // not a table this version wrote
  for (std::size_t i = 0; i < n; ++i) {
    if (!(stage[i] >= 0 && stage[i] < 1e6) || stage[i] != std::floor(stage[i])) continue;
    auto [it, fresh] = out.try_emplace(static_cast<int>(stage[i]));
    if (fresh)
      it->second = {fmt::format("{} ({})", t.rows[i][*c_sampler], t.rows[i][*c_space]), acc[i],
                    tau[i], std::nan("")};
    it->second.tau_int = std::max(it->second.tau_int, tau[i]);
    if (i < r_hat.size() && !(r_hat[i] <= it->second.r_hat)) it->second.r_hat = r_hat[i];
  }
  return out;
}

std::string cell(double v, const char* format = "{:.6g}") {
  return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string();
}

// A page body with its figures counted.
struct Figures {
  std::string body;
  int count = 0;
  void add(const std::string& svg, const std::string& caption) {
    body += figure_html(svg, caption);
    ++count;
  }
};

// What the comparison reads from each variant's run directory.
struct Summaries {
  std::vector<TrainingSummary> training;
  std::vector<std::vector<double>> epochs;
  std::vector<std::vector<double>> seconds;  ///< Wall-clock seconds since the start, per epoch.
  std::vector<std::map<int, SamplingSummary>> sampling;
  std::vector<int> sample_stages;  ///< Every sample stage any variant has, in order.

  // The stage's summary in variant i, or NaNs.
  SamplingSummary stage(std::size_t i, int s) const {
    const auto it = sampling[i].find(s);
    const double nan = std::nan("");
    return it == sampling[i].end() ? SamplingSummary{"", nan, nan, nan} : it->second;
  }
};

Summaries summarize(const std::vector<VariantRow>& variants) {
  Summaries out;
  for (const auto& v : variants) {
    const fs::path metrics = v.dir / "metrics.csv";
    const CsvTable t = fs::exists(metrics) ? read_csv(metrics) : CsvTable{};
    out.training.push_back(summarize_training(t));
    out.epochs.push_back(t.numbers("epoch"));
    out.seconds.push_back(t.numbers("seconds"));
    out.sampling.push_back(summarize_sampling(v.dir));
    for (const auto& [stage, _] : out.sampling.back())
      if (std::find(out.sample_stages.begin(), out.sample_stages.end(), stage) ==
          out.sample_stages.end())
        out.sample_stages.push_back(stage);
  }
  std::sort(out.sample_stages.begin(), out.sample_stages.end());
  return out;
}

std::string status_text(const VariantRow& v) {
  return v.status == 0 ? "completed" : fmt::format("failed ({})", v.status);
}

// The bound and the importance-sampling estimate stand beside the relative errors, which exist
// only for targets with an exact (or reference) free energy.
std::string comparison_csv(const std::vector<VariantRow>& variants, const Summaries& sum) {
  std::string csv =
      "variant,group,status,final_relative_error,best_relative_error,parameters,"
      "seconds_per_epoch,ess,final_bound,final_free_energy_is";
  for (int s : sum.sample_stages)
    csv += fmt::format(",stage{0}_acceptance,stage{0}_tau_int,stage{0}_r_hat", s);
  csv += "\n";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& t = sum.training[i];
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{}", variants[i].name, variants[i].group,
                       status_text(variants[i]), cell(t.final_relative_error),
                       cell(t.best_relative_error), variants[i].parameters,
                       cell(t.seconds_per_epoch), cell(t.final_ess), cell(t.final_bound, "{:.10g}"),
                       cell(t.final_free_energy_is, "{:.10g}"));
    for (int s : sum.sample_stages) {
      const SamplingSummary st = sum.stage(i, s);
      csv += fmt::format(",{},{},{}", cell(st.acceptance), cell(st.tau_int), cell(st.r_hat));
    }
    csv += "\n";
  }
  return csv;
}

std::string comparison_table(const fs::path& run_dir, const std::vector<VariantRow>& variants,
                             const Summaries& sum) {
  std::string table =
      "<table><tr><th>variant</th><th>status</th><th>final relative error</th>"
      "<th>best relative error</th><th>final bound</th><th>importance-sampling F</th>"
      "<th>parameters</th><th>seconds/epoch</th><th>ESS/batch</th>";
  for (int s : sum.sample_stages)
    table +=
        fmt::format("<th>stage {0} acceptance</th><th>stage {0} τ_int</th><th>stage {0} R̂</th>", s);
  table += "<th>report</th></tr>\n";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    const auto& t = sum.training[i];
    table += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td>",
        escape(v.name), status_text(v), cell(t.final_relative_error, "{:.3e}"),
        cell(t.best_relative_error, "{:.3e}"), cell(t.final_bound, "{:.6f}"),
        cell(t.final_free_energy_is, "{:.6f}"), v.parameters, cell(t.seconds_per_epoch, "{:.3g}"),
        cell(t.final_ess, "{:.3f}"));
    for (int s : sum.sample_stages) {
      const SamplingSummary st = sum.stage(i, s);
      table += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", cell(st.acceptance, "{:.3f}"),
                           cell(st.tau_int, "{:.3g}"), cell(st.r_hat, "{:.3f}"));
    }
    const fs::path report = v.dir / "report.html";
    table += fs::exists(report) ? fmt::format("<td><a href=\"{}\">report</a></td>",
                                              escape(fs::relative(report, run_dir).string()))
                                : "<td>—</td>";
    table += "</tr>\n";
  }
  return table + "</table>\n";
}

// The runs of each group (repeats over seeds), in the order of the groups.
std::vector<std::vector<std::size_t>> runs_by_group(const std::vector<VariantRow>& variants) {
  std::vector<std::string> names;
  for (const auto& v : variants) names.push_back(v.group.empty() ? v.name : v.group);
  const Grouping grouping = group_runs(names);
  std::vector<std::vector<std::size_t>> out(grouping.names.size());
  for (std::size_t i = 0; i < variants.size(); ++i) out[grouping.of_run[i]].push_back(i);
  return out;
}

// The mean of one curve over a group's runs, over the epochs all of them reached: the seeds of a
// variant are one line (each run's own curve is in its report).
std::vector<double> mean_curve(const std::vector<std::size_t>& runs,
                               const std::function<const std::vector<double>&(std::size_t)>& of) {
  std::size_t n = runs.empty() ? 0 : of(runs[0]).size();
  for (std::size_t r : runs) n = std::min(n, of(r).size());
  std::vector<double> mean(n, 0.0);
  for (std::size_t r : runs)
    for (std::size_t i = 0; i < n; ++i) mean[i] += of(r)[i] / static_cast<double>(runs.size());
  return mean;
}

std::string curve_label(const GroupRow& g) {
  return g.runs > 1 ? fmt::format("{} (mean of {})", g.name, g.runs) : g.name;
}

// One point per group with its standard error over seeds as the error bar.
Series group_points(std::string label, const std::vector<GroupRow>& groups,
                    MeanError GroupRow::*field) {
  Series s{std::move(label), {}, {}, {}, true};
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const MeanError& m = groups[g].*field;
    s.x.push_back(static_cast<double>(g)), s.y.push_back(m.mean);
    s.error.push_back(std::isfinite(m.stderr_) ? m.stderr_ : 0.0);
  }
  return s;
}

// Learning curves (against epochs and wall-clock seconds) and ESS, one line per group.
void curve_figures(const std::vector<VariantRow>& variants, const Summaries& sum,
                   const std::vector<GroupRow>& groups, bool relative, Figures& out) {
  LinePlot curves{
      "Learning curves",
      "epoch",
      relative ? "relative error of the bound (running mean)" : "variational bound (running mean)",
      {},
      {},
      relative,
      {},
      {},
      {}};
  LinePlot ess{"Effective sample size",
               "epoch",
               "ESS / batch size (running mean)",
               {},
               {},
               false,
               {},
               0.0,
               1.0};
  LinePlot wall = curves;
  wall.title = "Learning curves against wall-clock time";
  wall.x_label = "seconds since the start of training";
  const auto members = runs_by_group(variants);
  const auto error_of = [&](std::size_t r) -> const std::vector<double>& {
    return relative ? sum.training[r].smooth_relative_error : sum.training[r].smooth_bound;
  };
  for (std::size_t g = 0; g < members.size(); ++g) {
    const auto& runs = members[g];
    const auto error = mean_curve(runs, error_of);
    const auto epochs = mean_curve(
        runs, [&](std::size_t r) -> const auto& { return sum.epochs[r]; });
    const auto seconds = mean_curve(
        runs, [&](std::size_t r) -> const auto& { return sum.seconds[r]; });
    const auto smooth_ess = mean_curve(
        runs, [&](std::size_t r) -> const auto& { return sum.training[r].smooth_ess; });
    curves.series.push_back({curve_label(groups[g]), epochs, error, {}, false});
    wall.series.push_back({curve_label(groups[g]), seconds, error, {}, false});
    ess.series.push_back({curve_label(groups[g]), epochs, smooth_ess, {}, false});
  }
  const char* over = members.size() < variants.size() ? " (mean over each variant's seeds)" : "";
  out.add(render(curves, 720, 420),
          fmt::format("{}{}.",
                      relative ? "Relative error of the variational free energy per variant"
                               : "Variational free-energy bound per variant (no exact value: "
                                 "lower is better)",
                      over));
  out.add(render(wall, 720, 420),
          fmt::format("The same curves against wall-clock seconds{}: architectures compared at "
                      "equal compute.",
                      over));
  out.add(render(ess, 720, 420),
          fmt::format("Importance-sampling effective sample size per variant{}.", over));
}

// Final errors (or bounds, without an exact free energy) and speed, one point per group.
void training_figures(const std::vector<VariantRow>& variants, const Summaries& sum,
                      const std::vector<GroupRow>& groups, Figures& out) {
  const bool relative = std::any_of(sum.training.begin(), sum.training.end(), [](const auto& t) {
    return std::isfinite(t.free_energy_exact);
  });
  curve_figures(variants, sum, groups, relative, out);
  std::vector<std::string> names;
  for (const auto& g : groups) names.push_back(g.name);
  LinePlot finals{relative ? "Relative error per variant" : "Final bound per variant",
                  "variant",
                  relative ? "relative error" : "free-energy bound",
                  {},
                  {},
                  relative,
                  names,
                  {},
                  {}};
  finals.series = {group_points("final", groups, &GroupRow::error)};
  if (relative) finals.series.push_back(group_points("best", groups, &GroupRow::best));
  out.add(render(finals), relative ? "Final and best running-mean relative error of each variant "
                                     "(mean ± standard error over seeds)."
                                   : "Final running-mean bound of each variant (mean ± standard "
                                     "error over seeds).");
  LinePlot seconds{
      "Training speed", "variant", "seconds per epoch (mean)", {}, {}, false, names, 0.0, {}};
  seconds.series = {group_points("", groups, &GroupRow::seconds_per_epoch)};
  out.add(render(seconds), "Mean wall time per epoch of each variant.");
}

// Acceptance per sample stage, one point per group (the mean over its runs that have the stage).
void sampling_figures(const std::vector<VariantRow>& variants, const Summaries& sum, Figures& out) {
  const auto members = runs_by_group(variants);
  std::vector<std::string> names;
  for (const auto& runs : members) {
    const auto& v = variants[runs.front()];
    names.push_back(v.group.empty() ? v.name : v.group);
  }
  for (int s : sum.sample_stages) {
    LinePlot acc{fmt::format("Acceptance, stage {}", s),
                 "variant",
                 "acceptance",
                 {},
                 {},
                 false,
                 names,
                 0.0,
                 1.05};
    Series a{"", {}, {}, {}, true};
    for (std::size_t g = 0; g < members.size(); ++g) {
      std::vector<double> values;
      for (std::size_t r : members[g]) values.push_back(sum.stage(r, s).acceptance);
      if (const MeanError m = mean_error(values); std::isfinite(m.mean))
        a.x.push_back(static_cast<double>(g)), a.y.push_back(m.mean);
    }
    acc.series = {a};
    out.add(render(acc), fmt::format("Mean acceptance of sample stage {} per variant.", s));
  }
}

// The comparison's view of each run: final error (or bound), its cost, whether it completed.
std::vector<RunNumbers> run_numbers(const std::vector<VariantRow>& variants, const Summaries& sum,
                                    bool relative) {
  std::vector<RunNumbers> out;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& t = sum.training[i];
    out.push_back({variants[i].group.empty() ? variants[i].name : variants[i].group,
                   variants[i].status == 0, variants[i].parameters,
                   relative ? t.final_relative_error : t.final_bound, t.best_relative_error,
                   t.final_ess, t.seconds_per_epoch});
  }
  return out;
}

// Independent samples per second of each run's sample stages, training included, against lattice
// size: which sampler to pick (efficiency.csv has the numbers).
void efficiency_section(const fs::path& run_dir, const std::vector<VariantRow>& variants,
                        Figures& out) {
  const auto rows = efficiency_rows(variants);
  if (rows.empty()) return;
  write_file_atomic(run_dir / "efficiency.csv", efficiency_csv(rows));
  out.body += fmt::format(
      "<h2>Sampler efficiency</h2>\n<p>Per run and sample stage: the slowest observable's τ_int "
      "and ESS per second of sampling, and the seconds to 10⁴ effective samples, with the "
      "run's training time added for samplers that use the flow.</p>\n{}",
      efficiency_table_html(rows));
  for (const auto& f : efficiency_figures(rows)) out.add(f.svg, f.caption);
}

}  // namespace

int write_comparison(const fs::path& run_dir, const std::string& title,
                     const std::vector<VariantRow>& variants) {
  const Summaries sum = summarize(variants);
  const bool relative = std::any_of(sum.training.begin(), sum.training.end(), [](const auto& t) {
    return std::isfinite(t.free_energy_exact);
  });
  const auto groups = summarize_groups(run_numbers(variants, sum, relative));
  write_file_atomic(run_dir / "comparison.csv", groups_csv(groups, relative));
  write_file_atomic(run_dir / "comparison-runs.csv", comparison_csv(variants, sum));
  Figures figures;
  figures.body = fmt::format(
      "<h2>Variants</h2>\n{}<h2>Runs</h2>\n<p>{} runs; final and best values are running means "
      "over 2 % of each run's epochs.</p>\n{}",
      groups_html(groups, relative), variants.size(), comparison_table(run_dir, variants, sum));
  if (std::any_of(sum.epochs.begin(), sum.epochs.end(), [](const auto& e) { return !e.empty(); })) {
    training_figures(variants, sum, groups, figures);
    figures.add(cost_figure_svg(groups, relative),
                "Final error against training cost, mean ± standard error over seeds; the "
                "legend gives each variant's parameter count.");
  }
  sampling_figures(variants, sum, figures);
  efficiency_section(run_dir, variants, figures);
  write_file_atomic(run_dir / "comparison.html", html_page(title + ": comparison", figures.body));
  return figures.count;
}

}  // namespace neuralrg::report
