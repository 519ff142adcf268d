// summary.json: a run's results for scripts and comparisons — the training's final and best
// relative error, the bound with its spread, the ESS, and per sample stage each observable's
// mean ± error, τ_int and R̂. Rewritten after every completed stage, so a run stopped later has
// the results of the stages it finished.
#pragma once

#include <filesystem>
#include <string>

#include "util/json.hpp"

namespace neuralrg::report {

/// The summary of what the stages left in `run_dir` (metrics*.csv, observables.csv).
Json run_summary(const std::filesystem::path& run_dir, const std::string& name,
                 long long parameters);

/// Writes run_dir/summary.json atomically; a failure is a warning on stderr, not an error.
void write_run_summary(const std::filesystem::path& run_dir, const std::string& name,
                       long long parameters) noexcept;

}  // namespace neuralrg::report
