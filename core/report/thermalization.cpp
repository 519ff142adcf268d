#include "report/thermalization.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "config/scalar_parse.hpp"
#include "config/yaml_document.hpp"
#include "report/svg_plot.hpp"
#include "util/csv.hpp"
#include "util/npy.hpp"

namespace neuralrg::report {
namespace fs = std::filesystem;

namespace {

// What places a stage's measurements in time: measurement k follows sweep warmup + k·every + 1,
// and the measured sweeps ran at the stage's mean rate.
struct StageTiming {
  long long warmup = 0, every = 1, sweeps = 0;
  double seconds = 0;
};

// The sample stages' timing from config.yaml (stage index → timing); empty if unreadable.
std::map<long long, StageTiming> stage_timings(const fs::path& dir) {
  std::map<long long, StageTiming> out;
  try {
    const Value config = load_yaml_file(dir / "config.yaml");
    const Value* stages = config.find("stages");
    if (!stages) return out;
    for (std::size_t i = 0; i < stages->items.size(); ++i) {
      const Value* sample = stages->items[i].find("sample");
      if (!sample) continue;
      const auto number = [&](const char* key, long long fallback) {
        const Value* v = sample->find(key);
        return v ? parse_integer(*v).value_or(fallback) : fallback;
      };
      out[static_cast<long long>(i)] = {
          number("warmup", 0), std::max(1LL, number("measure_every", 1)), number("sweeps", 0), 0};
    }
  } catch (const std::exception&) {
    out.clear();  // a damaged config.yaml: no timing, so no figure
  }
  return out;
}

// At most `limit` points: bin means, so a 10⁵-sweep series stays a readable (and small) SVG.
void thin(std::vector<double>& x, std::vector<double>& y, std::size_t limit = 600) {
  if (y.size() <= limit) return;
  const std::size_t bin = (y.size() + limit - 1) / limit;
  std::vector<double> tx, ty;
  for (std::size_t start = 0; start < y.size(); start += bin) {
    const std::size_t end = std::min(y.size(), start + bin);
    double sx = 0, sy = 0;
    for (std::size_t k = start; k < end; ++k) sx += x[k], sy += y[k];
    tx.push_back(sx / static_cast<double>(end - start));
    ty.push_back(sy / static_cast<double>(end - start));
  }
  x = std::move(tx), y = std::move(ty);
}

LinePlot plot(const std::string& observable, const std::vector<Trace>& traces, bool in_seconds,
              std::optional<double> exact) {
  LinePlot p{
      observable, in_seconds ? "seconds of sampling" : "sweeps", observable, {}, {}, false, {}, {},
      {}};
  for (const auto& t : traces) {
    Series s{t.label, in_seconds ? t.seconds : t.sweeps, t.values, {}, false};
    thin(s.x, s.y);
    p.series.push_back(std::move(s));
  }
  if (exact) p.references.push_back({"exact", *exact});
  // Samplers differ in cost per sweep by orders of magnitude; on a linear axis the fast ones
  // would be squeezed against the left edge.
  p.log_x = in_seconds;
  return p;
}

}  // namespace

std::vector<ObservableTraces> read_traces(const fs::path& dir) {
  const fs::path file = dir / "observables.csv";
  if (!fs::exists(file)) return {};
  CsvTable t;
  try {
    t = read_csv(file);
  } catch (const std::runtime_error&) {
    return {};  // a damaged table: the sampling section says what it can, this figure is left out
  }
  auto timings = stage_timings(dir);
  const auto c_stage = t.column("stage"), c_sampler = t.column("sampler"),
             c_space = t.column("space"), c_obs = t.column("observable");
  if (t.rows.empty() || !c_stage || !c_sampler || !c_space || !c_obs) return {};
  const auto stage = t.numbers("stage"), seconds = t.numbers("seconds"), exact = t.numbers("exact");
  std::vector<ObservableTraces> out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    const auto& row = t.rows[i];
    if (!(stage[i] >= 0 && stage[i] < 1e6)) continue;  // NaN or foreign: no cast to integer
    const auto timing = timings.find(static_cast<long long>(stage[i]));
    if (timing == timings.end()) continue;
    const auto values = read_npy_vector(dir / "series" / fmt::format("stage{}", row[*c_stage]) /
                                        (row[*c_obs] + ".npy"));
    if (!values || values->empty()) continue;
    const StageTiming& st = timing->second;
    const double per_sweep =
        st.sweeps > 0 && i < seconds.size() ? seconds[i] / static_cast<double>(st.sweeps) : 0;
    Trace trace{fmt::format("stage {}: {} ({})", row[*c_stage], row[*c_sampler], row[*c_space]),
                {},
                {},
                *values};
    for (std::size_t k = 0; k < values->size(); ++k) {
      const double done = static_cast<double>(st.warmup + static_cast<long long>(k) * st.every + 1);
      trace.sweeps.push_back(done);
      trace.seconds.push_back(done * per_sweep);
    }
    auto entry = std::find_if(out.begin(), out.end(),
                              [&](const auto& o) { return o.observable == row[*c_obs]; });
    if (entry == out.end()) entry = out.insert(out.end(), {row[*c_obs], std::nullopt, {}});
    entry->traces.push_back(std::move(trace));
    if (i < exact.size() && std::isfinite(exact[i])) entry->exact = exact[i];
  }
  return out;
}

std::vector<Figure> thermalization_figures(const fs::path& dir) {
  std::vector<Figure> out;
  for (const auto& [name, exact, traces] : read_traces(dir)) {
    const std::string what = fmt::format(
        "{} averaged over all chains at each measurement, per sample stage{}; the first point "
        "follows the warm-up.",
        name, exact ? ", with the exact value dashed" : "");
    out.push_back(
        {render(plot(name, traces, false, exact)),
         what + " Against sweeps: how many moves each sampler needs to forget its start."});
    out.push_back({render(plot(name, traces, true, exact)),
                   what + " Against seconds on a log scale (at each stage's mean rate over its "
                          "measured sweeps): "
                          "what forgetting the start costs, the network's evaluations included."});
  }
  return out;
}

}  // namespace neuralrg::report
