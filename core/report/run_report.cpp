#include "report/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "report/svg_plot.hpp"
#include "report/thermalization.hpp"
#include "report/training_summary.hpp"
#include "sampling/chain_runner.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"

namespace neuralrg::report {
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Page {
  std::string body;
  int figures = 0;
  void add(const std::string& svg, const std::string& caption) {
    body += figure_html(svg, caption);
    ++figures;
  }
};

// Without an exact (or reference) free energy there is no relative error: the bound and the
// importance-sampling estimate are the results.
void training_table(const TrainingSummary& sum, Page& page) {
  const auto number = [](double v, const char* format) {
    return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string("—");
  };
  page.body += fmt::format(
      "<table><tr><th>epochs</th><th>final relative error</th><th>best relative error</th>"
      "<th>exact F</th><th>final bound</th><th>importance-sampling F</th>"
      "<th>seconds per epoch (mean)</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td>{:.6f}</td><td>{}</td><td>{:.3g}</td></tr></table><p>Final and best values are "
      "running means over {} epochs.</p>\n",
      sum.epochs, number(sum.final_relative_error, "{:.3e}"),
      number(sum.best_relative_error, "{:.3e}"), number(sum.free_energy_exact, "{:.6f}"),
      sum.final_bound, number(sum.final_free_energy_is, "{:.6f}"), sum.seconds_per_epoch,
      sum.window);
}

void training_section(const fs::path& dir, Page& page) {
  const fs::path file = dir / "metrics.csv";
  if (!fs::exists(file)) return;
  const CsvTable t = read_csv(file);
  if (t.rows.empty()) return;
  const TrainingSummary sum = summarize_training(t);
  const auto epoch = t.numbers("epoch"), loss = t.numbers("loss_mean"),
             rel = t.numbers("relative_error"), ess = t.numbers("ess"),
             f_is = t.numbers("free_energy_is");
  const double f_exact = sum.free_energy_exact;
  const std::string smooth = fmt::format("mean of {} epochs", sum.window);
  page.body += "<h2>Training</h2>\n";

  LinePlot bound{"Variational free energy",
                 "epoch",
                 "free energy (units of kT, whole lattice)",
                 {},
                 {},
                 false,
                 {},
                 {},
                 {}};
  bound.series.push_back({"⟨ln q + E⟩ (upper bound)", epoch, loss, {}, false});
  bound.series.push_back({"importance-sampling estimate", epoch, f_is, {}, false});
  if (std::isfinite(f_exact)) {
    bound.references.push_back({"exact −ln Z", f_exact});
    // The first epochs are far above; show the approach to the exact value.
    const double final_gap = std::abs(sum.final_bound - f_exact);
    bound.y_min = f_exact - std::max(4 * final_gap, 1e-3 * std::abs(f_exact));
    bound.y_max = f_exact + std::max(20 * final_gap, 1e-2 * std::abs(f_exact));
  } else if (loss.size() > 20) {  // no exact value: leave out the first 5 % of epochs
    double lo = INFINITY, hi = -INFINITY;
    for (std::size_t i = loss.size() / 20; i < loss.size(); ++i)
      for (double v : {loss[i], f_is[i]})
        if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (hi > lo) bound.y_min = lo - 0.05 * (hi - lo), bound.y_max = hi + 0.05 * (hi - lo);
  }
  page.add(render(bound),
           "Training loss (the variational upper bound of the free energy) per epoch, "
           "against the exact value when the target knows it; the "
           "importance-sampling estimate uses the same batch.");

  if (std::isfinite(f_exact)) {  // targets without an exact free energy have no relative error
    LinePlot error{"Relative error of the free-energy bound",
                   "epoch",
                   "(F_q − F_exact) / |F_exact|",
                   {},
                   {},
                   true,
                   {},
                   {},
                   {}};
    error.series.push_back({"per epoch", epoch, rel, {}, false});
    error.series.push_back({smooth, epoch, sum.smooth_relative_error, {}, false});
    page.add(render(error),
             "Relative error of each epoch's bound on a log axis (batches whose "
             "mean falls below the exact value by chance are not drawn).");
  }

  LinePlot ess_plot{
      "Effective sample size", "epoch", "ESS / batch size", {}, {}, false, {}, 0.0, 1.0};
  ess_plot.series.push_back({"per epoch", epoch, ess, {}, false});
  ess_plot.series.push_back({smooth, epoch, sum.smooth_ess, {}, false});
  page.add(render(ess_plot),
           "Importance-sampling effective sample size of each batch, as a "
           "fraction of the batch (1 = the flow equals the target).");

  training_table(sum, page);
}

std::string r_hat_cell(double r_hat) {
  if (!std::isfinite(r_hat)) return "—";
  return r_hat > kRHatWarning ? fmt::format("<strong>{:.3f} ⚠</strong>", r_hat)
                              : fmt::format("{:.3f}", r_hat);
}

void sampling_section(const fs::path& dir, Page& page) {
  const fs::path file = dir / "observables.csv";
  if (!fs::exists(file)) return;
  const CsvTable t = read_csv(file);
  if (t.rows.empty()) return;
  page.body += "<h2>Sampling</h2>\n";
  const auto c_stage = *t.column("stage"), c_sampler = *t.column("sampler"),
             c_space = *t.column("space"), c_obs = *t.column("observable");
  const auto mean = t.numbers("mean"), err = t.numbers("stderr"), exact = t.numbers("exact"),
             acc = t.numbers("acceptance"), tau = t.numbers("tau_int"),
             ess = t.numbers("ess_per_second"), r_hat = t.numbers("r_hat");
  std::vector<std::string> runs, observables;
  auto index_of = [](std::vector<std::string>& list, const std::string& s) {
    auto it = std::find(list.begin(), list.end(), s);
    if (it == list.end()) it = list.insert(list.end(), s);
    return static_cast<double>(it - list.begin());
  };
  std::vector<double> run_index(t.rows.size());
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& r = t.rows[i];
    run_index[i] =
        index_of(runs, fmt::format("stage {}: {} ({})", r[c_stage], r[c_sampler], r[c_space]));
    index_of(observables, r[c_obs]);
  }
  for (const auto& name : observables) {
    LinePlot p{name, "sampler", name, {}, {}, false, runs, {}, {}};
    Series s{"mean ± standard error", {}, {}, {}, true};
    std::optional<double> reference;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
      if (t.rows[i][c_obs] != name) continue;
      s.x.push_back(run_index[i]);
      s.y.push_back(mean[i]);
      s.error.push_back(err[i]);
      if (i < exact.size() && std::isfinite(exact[i])) reference = exact[i];
    }
    p.series.push_back(std::move(s));
    if (reference) p.references.push_back({"exact", *reference});
    page.add(render(p), fmt::format("{} from each sampling stage; error bars from a binning "
                                    "analysis of the chain time series.",
                                    name));
  }
  LinePlot a{"Acceptance rate", "sampler", "acceptance", {}, {}, false, runs, 0.0, 1.05};
  Series s{"", {}, {}, {}, true};
  std::vector<double> seen(runs.size(), 0);
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    if (!seen[static_cast<std::size_t>(run_index[i])]++) {
      s.x.push_back(run_index[i]);
      s.y.push_back(acc[i]);
    }
  a.series.push_back(std::move(s));
  page.add(render(a), "Mean acceptance of the measured sweeps.");
  for (const auto& f : thermalization_figures(dir)) page.add(f.svg, f.caption);
  page.body +=
      "<table><tr><th>stage</th><th>observable</th><th>mean</th><th>stderr</th>"
      "<th>exact</th><th>τ_int</th><th>acceptance</th><th>ESS/s</th><th>R̂</th></tr>\n";
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    page.body += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{:.6f}</td><td>{:.2g}</td><td>{}</td>"
        "<td>{:.3g}</td><td>{:.3f}</td><td>{:.4g}</td><td>{}</td></tr>\n",
        escape(runs[static_cast<std::size_t>(run_index[i])]), escape(t.rows[i][c_obs]), mean[i],
        err[i], i < exact.size() && std::isfinite(exact[i]) ? fmt::format("{:.6f}", exact[i]) : "—",
        tau[i], acc[i], ess[i], r_hat_cell(i < r_hat.size() ? r_hat[i] : std::nan("")));
  page.body += fmt::format(
      "</table>\n<p>Split R̂ compares groups of chains and the halves of their time series; "
      "above {} (marked) the chains had not forgotten their start, and the error bar is not "
      "trustworthy.</p>\n",
      kRHatWarning);
}

std::vector<Matrix> read_configurations(const fs::path& file, Index rows, Index cols) {
  std::vector<Matrix> out;
  const Matrix table = read_csv_matrix(file);
  for (Index k = 0; k < table.rows(); ++k) {
    Matrix img(rows, cols);
    for (Index i = 0; i < rows; ++i)
      for (Index j = 0; j < cols; ++j) img(i, j) = table(k, i * cols + j);
    out.push_back(std::move(img));
  }
  return out;
}

// The letter's Fig. 4a: E_x[∂z/∂x] of each top-level latent variable.
void response_maps(const fs::path& a, Page& page) {
  std::vector<fs::path> responses;
  for (const auto& e : fs::directory_iterator(a))
    if (e.path().filename().string().starts_with("response-")) responses.push_back(e.path());
  std::sort(responses.begin(), responses.end());
  for (const auto& file : responses) {
    const std::string k = file.stem().string().substr(9);
    HeatMap h{fmt::format("Response of top-level latent z_{}", k),
              "lattice column j",
              "lattice row i",
              "E_x[∂z/∂x_ij]",
              read_csv_matrix(file),
              true,
              {},
              {}};
    page.add(render(h), fmt::format("Mean derivative of the top-level latent variable z_{} with "
                                    "respect to each physical variable (the letter's Fig. 4a).",
                                    k));
  }
}

// I(v_0; v_j) over the lattice, physical and latent, on one colour scale.
void mutual_information_maps(const fs::path& a, Page& page) {
  const fs::path mi_x = a / "mutual_information-physical.csv",
                 mi_z = a / "mutual_information-latent.csv";
  if (fs::exists(mi_x) && fs::exists(mi_z)) {
    const Matrix x = read_csv_matrix(mi_x), z = read_csv_matrix(mi_z);
    const double hi = std::max(x.maxCoeff(), z.maxCoeff());
    page.add(render(HeatMap{"Mutual information, physical", "lattice column j", "lattice row i",
                            "I(x_0 ; x_ij) (nats)", x, false, 0.0, hi}),
             "Mutual information between site 0 and every site of the physical configuration "
             "(Kraskov–Stögbauer–Grassberger estimator, k = 3); site 0 itself is left at 0.");
    page.add(render(HeatMap{"Mutual information, latent", "lattice column j", "lattice row i",
                            "I(z_0 ; z_ij) (nats)", z, false, 0.0, hi}),
             "The same for the latent variables z = g⁻¹(x): the flow decorrelates them.");
  }
}

// Moments of z per scale against a Gaussian's.
void latent_statistics_figure(const fs::path& a, Page& page) {
  if (fs::exists(a / "latent_statistics.csv")) {
    const CsvTable t = read_csv(a / "latent_statistics.csv");
    std::vector<std::string> levels;  // categories, so the axis shows whole levels only
    std::vector<double> position;
    for (double l : t.numbers("level")) {
      position.push_back(static_cast<double>(levels.size()));
      levels.push_back(fmt::format("{}", l));
    }
    LinePlot p{"Latent variables per scale",
               "scale level (0 = finest)",
               "moment",
               {},
               {},
               false,
               levels,
               {},
               {}};
    const auto& level = position;
    p.series.push_back(
        {"variance", level, t.numbers("variance"), t.numbers("variance_stderr"), true});
    p.series.push_back({"excess kurtosis", level, t.numbers("excess_kurtosis"),
                        t.numbers("kurtosis_stderr"), true});
    p.series.push_back({"mean", level, t.numbers("mean"), t.numbers("mean_stderr"), true});
    p.references.push_back({"Gaussian variance", 1.0});
    p.references.push_back({"", 0.0});
    page.add(render(p),
             "Moments of z = g⁻¹(x) for x from Markov chains on the target, per "
             "scale: a perfect flow gives mean 0, variance 1, excess kurtosis 0.");
  }
}

// The forward KL(π‖q) beside what training minimises.
void divergence_note(const fs::path& a, Page& page) {
  if (fs::exists(a / "divergence.csv")) {
    const CsvTable t = read_csv(a / "divergence.csv");
    const auto value = t.numbers("value"), err = t.numbers("stderr");
    page.body += fmt::format(
        "<p>Forward KL(π‖q) over the analysed configurations: {:.4g} ± {:.2g} nats ({:.3g} per "
        "site). Training minimises the reverse KL (bound − F), which is blind to parts of π the "
        "flow misses; a forward KL far above it means the flow does not cover π.</p>\n",
        value[0], err[0], value[1]);
  }
}

// Flow samples beside Markov-chain configurations.
void sample_grids(const fs::path& a, Page& page) {
  for (const auto& [name, title] : {std::pair{"samples-flow", "Generated by the flow"},
                                    std::pair{"samples-mcmc", "Physical-space Markov chains"}}) {
    const fs::path file = a / (std::string(name) + ".csv");
    const fs::path meta = a / "picture.csv";
    if (!fs::exists(file) || !fs::exists(meta)) continue;
    const CsvTable m = read_csv(meta);
    const auto rows = static_cast<Index>(m.numbers("rows").front());
    const auto cols = static_cast<Index>(m.numbers("cols").front());
    ImageGrid g{title,
                m.rows.front()[*m.column("label")],
                read_configurations(file, rows, cols),
                m.numbers("lo").front(),
                m.numbers("hi").front(),
                8};
    page.add(render(g), fmt::format("{}: {} configurations, {} per site.", title, g.images.size(),
                                    g.value_label));
  }
}

void analysis_section(const fs::path& dir, Page& page) {
  const fs::path a = dir / "analysis";
  if (!fs::is_directory(a)) return;
  page.body += "<h2>Analysis</h2>\n";
  response_maps(a, page);
  mutual_information_maps(a, page);
  latent_statistics_figure(a, page);
  divergence_note(a, page);
  sample_grids(a, page);
}

void configuration_section(const fs::path& dir, Page& page) {
  page.body += "<h2>Configuration</h2>\n";
  if (fs::exists(dir / "config.yaml"))
    page.body += fmt::format("<h3>Resolved pipeline (config.yaml)</h3><pre>{}</pre>\n",
                             escape(read_text(dir / "config.yaml")));
  if (fs::exists(dir / "plugins.json"))
    page.body += fmt::format("<h3>Plugins (plugins.json)</h3><pre>{}</pre>\n",
                             escape(read_text(dir / "plugins.json")));
}

}  // namespace

std::string figure_html(const std::string& svg, const std::string& caption) {
  return fmt::format("<figure>{}<figcaption>{}</figcaption></figure>\n", svg, escape(caption));
}

std::string html_page(const std::string& title, const std::string& body) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{0}</title>\n"
      "<style>body{{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;"
      "color:#222}} figure{{display:inline-block;margin:0.5em;vertical-align:top}} "
      "figcaption{{font-size:0.85em;color:#555;max-width:560px}} table{{border-collapse:collapse;"
      "margin:1em 0}} td,th{{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}} "
      "pre{{background:#f6f6f6;padding:1em;overflow-x:auto;font-size:0.85em}}</style></head>\n"
      "<body><h1>{0}</h1>\n{1}</body></html>\n",
      escape(title), body);
}

int write_run_report(const fs::path& dir, const std::string& title) {
  Page page;
  training_section(dir, page);
  sampling_section(dir, page);
  analysis_section(dir, page);
  configuration_section(dir, page);
  write_file_atomic(dir / "report.html", html_page(title, page.body));
  return page.figures;
}

}  // namespace neuralrg::report
