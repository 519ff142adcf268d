#include "report/run_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "report/training_summary.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"

namespace neuralrg::report {
namespace fs = std::filesystem;

namespace {

// Running means over the same window as the report's (TrainingSummary), so the numbers agree.
Json training_json(const CsvTable& metrics) {
  const TrainingSummary s = summarize_training(metrics);
  const auto spread = running_mean(metrics.numbers("loss_std"), s.window);
  const auto seconds = metrics.numbers("seconds");
  Json j;
  j["epochs"] = s.epochs;
  j["window"] = s.window;
  j["free_energy_exact"] = s.free_energy_exact;
  j["final_relative_error"] = s.final_relative_error;
  j["best_relative_error"] = s.best_relative_error;
  j["final_bound"] = s.final_bound;
  j["final_bound_spread"] = spread.empty() ? std::nan("") : spread.back();
  j["final_free_energy_is"] = s.final_free_energy_is;
  j["final_ess"] = s.final_ess;
  j["seconds_per_epoch"] = s.seconds_per_epoch;
  j["seconds"] = seconds.empty() ? 0.0 : seconds.back();  // the column is cumulative
  return j;
}

Json observable_json(const CsvTable& t, std::size_t row) {
  Json o;
  for (const char* column :
       {"mean", "stderr", "tau_int", "r_hat", "ess_per_second", "exact", "ess_bulk", "ess_tail"}) {
    const auto c = t.column(column);
    o[column] = c ? t.numbers(column)[row] : std::nan("");
  }
  return o;
}

// One entry per sample stage, in the order of observables.csv.
Json sampling_json(const CsvTable& t) {
  Json stages = Json::array();
  const auto stage = t.numbers("stage"), acceptance = t.numbers("acceptance"),
             seconds = t.numbers("seconds");
  const auto c_sampler = t.column("sampler"), c_space = t.column("space"),
             c_name = t.column("observable");
  const auto n = t.rows.size();
  if (!c_sampler || !c_space || !c_name || stage.size() != n || acceptance.size() != n ||
      seconds.size() != n)
    return stages;
  for (std::size_t i = 0; i < n; ++i) {
    // A hand-edited or foreign file: a stage that is not a small whole number is not ours.
    if (!(stage[i] >= 0 && stage[i] < 1e6) || stage[i] != std::floor(stage[i])) continue;
    if (stages.empty() || stages.back()["stage"] != static_cast<int>(stage[i])) {
      Json s;
      s["stage"] = static_cast<int>(stage[i]);
      s["sampler"] = t.rows[i][*c_sampler];
      s["space"] = t.rows[i][*c_space];
      s["acceptance"] = acceptance[i];
      s["seconds"] = seconds[i];
      s["observables"] = Json::object();
      stages.push_back(std::move(s));
    }
    stages.back()["observables"][t.rows[i][*c_name]] = observable_json(t, i);
  }
  return stages;
}

}  // namespace

Json run_summary(const fs::path& run_dir, const std::string& name, long long parameters) {
  Json j;
  j["format"] = 1;
  j["name"] = name;
  j["parameters"] = parameters;
  // metrics.csv is train stage 0's, metrics-stageI.csv stage I's.
  std::vector<std::pair<int, fs::path>> metrics;
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    const std::string file = entry.path().filename().string();
    if (file == "metrics.csv")
      metrics.emplace_back(0, entry.path());
    else if (int stage = 0;
             file.starts_with("metrics-stage") && file.ends_with(".csv") &&
             std::from_chars(file.data() + 13, file.data() + file.size() - 4, stage).ptr ==
                 file.data() + file.size() - 4)
      metrics.emplace_back(stage, entry.path());
  }
  std::sort(metrics.begin(), metrics.end());
  Json training = Json::array();
  for (const auto& [stage, file] : metrics) {
    Json t;
    t["stage"] = stage;
    t.update(training_json(read_csv(file)));
    training.push_back(std::move(t));
  }
  j["training"] = std::move(training);
  const fs::path observables = run_dir / "observables.csv";
  j["sampling"] = fs::exists(observables) ? sampling_json(read_csv(observables)) : Json::array();
  return j;
}

void write_run_summary(const fs::path& run_dir, const std::string& name,
                       long long parameters) noexcept {
  try {
    write_file_atomic(run_dir / "summary.json", json_text(run_summary(run_dir, name, parameters)));
  } catch (const std::exception& e) {
    // The stage's own results are written and checked; a summary of them must not fail the run.
    fmt::print(stderr, "warning: could not write {}: {}\n", (run_dir / "summary.json").string(),
               e.what());
  }
}

}  // namespace neuralrg::report
