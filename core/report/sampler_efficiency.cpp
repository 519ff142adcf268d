#include "report/sampler_efficiency.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

#include "report/svg_plot.hpp"
#include "util/csv.hpp"
#include "util/json.hpp"

namespace neuralrg::report {
namespace fs = std::filesystem;

namespace {

// The product of run.json's lattice, NaN when absent (runs made before it was recorded).
double lattice_sites(const fs::path& dir) {
  std::ifstream in(dir / "run.json");
  if (!in) return std::nan("");
  const Json record = Json::parse(in, nullptr, false);
  if (!record.is_object() || !record.contains("lattice") || !record["lattice"].is_array())
    return std::nan("");
  double sites = 1;
  for (const auto& n : record["lattice"]) sites *= n.is_number() ? n.get<double>() : std::nan("");
  return sites;
}

// Wall time of the run's train stages: the last cumulative `seconds` of each metrics file.
double training_seconds(const fs::path& dir) {
  double total = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name != "metrics.csv" && !(name.starts_with("metrics-stage") && name.ends_with(".csv")))
      continue;
    const auto seconds = read_csv(entry.path()).numbers("seconds");
    if (!seconds.empty() && std::isfinite(seconds.back())) total += seconds.back();
  }
  return total;
}

// Sample stages whose samplers include flow proposals (samplers.csv's move_kind).
std::set<int> stages_with_flow_proposals(const fs::path& dir) {
  std::set<int> out;
  if (!fs::exists(dir / "samplers.csv")) return out;
  const CsvTable t = read_csv(dir / "samplers.csv");
  const auto stage = t.numbers("stage");
  const auto kind = t.column("move_kind");
  if (!kind || stage.size() != t.rows.size()) return out;
  for (std::size_t i = 0; i < t.rows.size(); ++i)
    if (t.rows[i][*kind] == "independence" && stage[i] >= 0 && stage[i] < 1e6)
      out.insert(static_cast<int>(stage[i]));
  return out;
}

void add_run(const VariantRow& v, std::vector<EfficiencyRow>& out) {
  if (!fs::exists(v.dir / "observables.csv")) return;
  const CsvTable t = read_csv(v.dir / "observables.csv");
  const auto stage = t.numbers("stage"), tau = t.numbers("tau_int"),
             ess = t.numbers("ess_per_second");
  const auto c_sampler = t.column("sampler"), c_space = t.column("space");
  const std::size_t n = t.rows.size();
  if (!c_sampler || !c_space || stage.size() != n || tau.size() != n || ess.size() != n) return;
  const double sites = lattice_sites(v.dir), training = training_seconds(v.dir);
  const auto proposals = stages_with_flow_proposals(v.dir);
  std::map<int, EfficiencyRow> rows;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(stage[i] >= 0 && stage[i] < 1e6)) continue;
    const int s = static_cast<int>(stage[i]);
    const bool latent = t.rows[i][*c_space] == "latent";
    auto [it, fresh] = rows.try_emplace(s);
    if (fresh)
      it->second = {v.name,
                    s,
                    fmt::format("{} ({})", t.rows[i][*c_sampler], t.rows[i][*c_space]),
                    sites,
                    tau[i],
                    ess[i],
                    latent || proposals.count(s) > 0,
                    training,
                    0};
    it->second.tau_int = std::max(it->second.tau_int, tau[i]);
    it->second.ess_per_second = std::min(it->second.ess_per_second, ess[i]);
  }
  for (auto& [s, row] : rows) {
    row.seconds_to_goal =
        (row.uses_flow ? row.training_seconds : 0.0) + kEffectiveSamplesGoal / row.ess_per_second;
    out.push_back(row);
  }
}

std::string number(double v, const char* format) {
  return std::isfinite(v) ? fmt::format(fmt::runtime(format), v) : std::string("—");
}

}  // namespace

std::vector<EfficiencyRow> efficiency_rows(const std::vector<VariantRow>& variants) {
  std::vector<EfficiencyRow> out;
  for (const auto& v : variants) {
    try {
      add_run(v, out);
    } catch (const std::runtime_error&) {
      // A run whose tables are damaged (or still being written) is left out, not the page.
    }
  }
  return out;
}

std::string efficiency_csv(const std::vector<EfficiencyRow>& rows) {
  std::string csv =
      "variant,stage,sampler,sites,tau_int,ess_per_second,uses_flow,training_seconds,"
      "seconds_to_1e4\n";
  for (const auto& r : rows)
    csv += fmt::format("{},{},{},{},{:.6g},{:.6g},{},{:.6g},{:.6g}\n", r.variant, r.stage,
                       r.sampler, number(r.sites, "{:.0f}"), r.tau_int, r.ess_per_second,
                       r.uses_flow ? 1 : 0, r.training_seconds, r.seconds_to_goal);
  return csv;
}

std::string efficiency_table_html(const std::vector<EfficiencyRow>& rows) {
  std::string html =
      "<table><tr><th>variant</th><th>stage</th><th>sampler</th><th>sites</th><th>τ_int "
      "(sweeps)</th><th>ESS/s</th><th>training s</th><th>s to 10⁴ effective samples</th></tr>\n";
  for (const auto& r : rows)
    html += fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
        "<td>{}</td></tr>\n",
        escape(r.variant), r.stage, escape(r.sampler), number(r.sites, "{:.0f}"),
        number(r.tau_int, "{:.3g}"), number(r.ess_per_second, "{:.4g}"),
        r.uses_flow ? number(r.training_seconds, "{:.0f}") : "— (no flow)",
        number(r.seconds_to_goal, "{:.4g}"));
  return html + "</table>\n";
}

std::vector<Figure> efficiency_figures(const std::vector<EfficiencyRow>& rows) {
  std::set<double> sizes;
  for (const auto& r : rows)
    if (std::isfinite(r.sites)) sizes.insert(r.sites);
  if (sizes.size() < 2) return {};
  LinePlot ess{"Effective samples per second",
               "lattice sites N",
               "ESS per second of sampling",
               {},
               {},
               true,
               {},
               {},
               {},
               true};
  LinePlot goal{"Time to 10⁴ effective samples",
                "lattice sites N",
                "seconds, training included for flow samplers",
                {},
                {},
                true,
                {},
                {},
                {},
                true};
  std::map<std::string, std::pair<Series, Series>> lines;  // by "stage i: sampler"
  for (const auto& r : rows) {
    auto& [e, g] = lines[fmt::format("stage {}: {}", r.stage, r.sampler)];
    e.x.push_back(r.sites), e.y.push_back(r.ess_per_second);
    g.x.push_back(r.sites), g.y.push_back(r.seconds_to_goal);
  }
  for (auto& [label, pair] : lines) {
    pair.first.label = pair.second.label = label;
    ess.series.push_back(std::move(pair.first));
    goal.series.push_back(std::move(pair.second));
  }
  return {{render(ess, 720, 420),
           "ESS per second of sampling (the slowest observable of each stage) against the number "
           "of lattice sites, log–log: a local sampler's falls with critical slowing down, a flow "
           "sampler's with the flow's error at larger N."},
          {render(goal, 720, 420),
           "Seconds to 10⁴ effective samples of the slowest observable, with the flow's "
           "training time added for samplers that use the flow: which sampler to pick at each "
           "size when the flow must be trained first."}};
}

}  // namespace neuralrg::report
