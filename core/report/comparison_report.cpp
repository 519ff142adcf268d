#include "report/comparison_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/run_report.hpp"
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
  const auto c_sampler = *t.column("sampler"), c_space = *t.column("space");
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    auto [it, fresh] = out.try_emplace(static_cast<int>(stage[i]));
    if (fresh)
      it->second = {fmt::format("{} ({})", t.rows[i][c_sampler], t.rows[i][c_space]), acc[i],
                    tau[i], std::nan("")};
    it->second.tau_int = std::max(it->second.tau_int, tau[i]);
    if (i < r_hat.size() && !(r_hat[i] <= it->second.r_hat)) it->second.r_hat = r_hat[i];
  }
  return out;
}

std::string cell(double v, const char* format = "{:.6g}") {
  return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string();
}

}  // namespace

int write_comparison(const fs::path& run_dir, const std::string& title,
                     const std::vector<VariantRow>& variants) {
  const double nan = std::nan("");
  std::vector<TrainingSummary> training;
  std::vector<std::vector<double>> epochs;
  std::vector<std::map<int, SamplingSummary>> sampling;
  std::vector<int> sample_stages;
  for (const auto& v : variants) {
    const fs::path metrics = v.dir / "metrics.csv";
    const CsvTable t = fs::exists(metrics) ? read_csv(metrics) : CsvTable{};
    training.push_back(summarize_training(t));
    epochs.push_back(t.numbers("epoch"));
    sampling.push_back(summarize_sampling(v.dir));
    for (const auto& [stage, _] : sampling.back())
      if (std::find(sample_stages.begin(), sample_stages.end(), stage) == sample_stages.end())
        sample_stages.push_back(stage);
  }
  std::sort(sample_stages.begin(), sample_stages.end());

  std::string csv =
      "variant,status,final_relative_error,best_relative_error,parameters,"
      "seconds_per_epoch,ess";
  for (int s : sample_stages)
    csv += fmt::format(",stage{0}_acceptance,stage{0}_tau_int,stage{0}_r_hat", s);
  csv += "\n";
  std::string table =
      "<table><tr><th>variant</th><th>status</th><th>final relative error</th>"
      "<th>best relative error</th><th>parameters</th><th>seconds/epoch</th>"
      "<th>ESS/batch</th>";
  for (int s : sample_stages)
    table +=
        fmt::format("<th>stage {0} acceptance</th><th>stage {0} τ_int</th><th>stage {0} R̂</th>", s);
  table += "<th>report</th></tr>\n";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& v = variants[i];
    const auto& t = training[i];
    const std::string status = v.status == 0 ? "completed" : fmt::format("failed ({})", v.status);
    csv += fmt::format("{},{},{},{},{},{},{}", v.name, status, cell(t.final_relative_error),
                       cell(t.best_relative_error), v.parameters, cell(t.seconds_per_epoch),
                       cell(t.final_ess));
    table += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td>",
        escape(v.name), status, cell(t.final_relative_error, "{:.3e}"),
        cell(t.best_relative_error, "{:.3e}"), v.parameters, cell(t.seconds_per_epoch, "{:.3g}"),
        cell(t.final_ess, "{:.3f}"));
    for (int s : sample_stages) {
      const auto it = sampling[i].find(s);
      const double a = it == sampling[i].end() ? nan : it->second.acceptance;
      const double tau = it == sampling[i].end() ? nan : it->second.tau_int;
      const double r_hat = it == sampling[i].end() ? nan : it->second.r_hat;
      csv += fmt::format(",{},{},{}", cell(a), cell(tau), cell(r_hat));
      table += fmt::format("<td>{}</td><td>{}</td><td>{}</td>", cell(a, "{:.3f}"),
                           cell(tau, "{:.3g}"), cell(r_hat, "{:.3f}"));
    }
    const fs::path report = v.dir / "report.html";
    table += fs::exists(report) ? fmt::format("<td><a href=\"{}\">report</a></td>",
                                              escape(fs::relative(report, run_dir).string()))
                                : "<td>—</td>";
    csv += "\n";
    table += "</tr>\n";
  }
  table += "</table>\n";
  write_file_atomic(run_dir / "comparison.csv", csv);

  std::string body = fmt::format(
      "<p>{} variants; final and best values are running means over "
      "2 % of each variant's epochs.</p>\n{}",
      variants.size(), table);
  int figures = 0;
  auto add = [&](const std::string& svg, const std::string& caption) {
    body += figure_html(svg, caption);
    ++figures;
  };
  LinePlot curves{"Learning curves",
                  "epoch",
                  "relative error of the bound (running mean)",
                  {},
                  {},
                  true,
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
  std::vector<std::string> names;
  Series final_error{"final", {}, {}, {}, true}, best_error{"best", {}, {}, {}, true};
  Series speed{"", {}, {}, {}, true};
  for (std::size_t i = 0; i < variants.size(); ++i) {
    names.push_back(variants[i].name);
    curves.series.push_back(
        {variants[i].name, epochs[i], training[i].smooth_relative_error, {}, false});
    ess.series.push_back({variants[i].name, epochs[i], training[i].smooth_ess, {}, false});
    const double x = static_cast<double>(i);
    final_error.x.push_back(x), final_error.y.push_back(training[i].final_relative_error);
    best_error.x.push_back(x), best_error.y.push_back(training[i].best_relative_error);
    speed.x.push_back(x), speed.y.push_back(training[i].seconds_per_epoch);
  }
  if (std::any_of(epochs.begin(), epochs.end(), [](const auto& e) { return !e.empty(); })) {
    add(render(curves, 720, 420), "Relative error of the variational free energy per variant.");
    add(render(ess, 720, 420), "Importance-sampling effective sample size per variant.");
    LinePlot errors{
        "Relative error per variant", "variant", "relative error", {}, {}, true, names, {}, {}};
    errors.series = {final_error, best_error};
    add(render(errors), "Final and best running-mean relative error of each variant.");
    LinePlot seconds{
        "Training speed", "variant", "seconds per epoch (mean)", {}, {}, false, names, 0.0, {}};
    seconds.series = {speed};
    add(render(seconds), "Mean wall time per epoch of each variant.");
  }
  for (int s : sample_stages) {
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
    for (std::size_t i = 0; i < variants.size(); ++i)
      if (auto it = sampling[i].find(s); it != sampling[i].end())
        a.x.push_back(static_cast<double>(i)), a.y.push_back(it->second.acceptance);
    acc.series = {a};
    add(render(acc), fmt::format("Mean acceptance of sample stage {} per variant.", s));
  }
  write_file_atomic(run_dir / "comparison.html", html_page(title + ": comparison", body));
  return figures;
}

}  // namespace neuralrg::report
