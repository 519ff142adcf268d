// Which sampler gives the most independent samples per second for a model and lattice size,
// counting the training: for every run of a comparison and each of its sample stages, the slowest
// observable's τ_int and ESS per second of sampling, and the time to 10⁴ effective samples with
// the flow's training added for samplers that use the flow.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/comparison_report.hpp"
#include "report/thermalization.hpp"

namespace neuralrg::report {

inline constexpr double kEffectiveSamplesGoal = 1e4;

struct EfficiencyRow {
  std::string variant;
  int stage;
  std::string sampler;      ///< "hmc+metropolis (physical)"
  double sites;             ///< Lattice sites of the run (run.json), NaN if unknown.
  double tau_int;           ///< The largest over the stage's observables, in sweeps.
  double ess_per_second;    ///< The smallest over the stage's observables.
  bool uses_flow;           ///< Latent space, or flow proposals among its samplers.
  double training_seconds;  ///< The run's training wall time (its train stages' last rows).
  /// Training (if the sampler uses the flow) + kEffectiveSamplesGoal / ess_per_second.
  double seconds_to_goal;
};

/// One row per run and sample stage, in run order; runs without sample stages give none.
std::vector<EfficiencyRow> efficiency_rows(const std::vector<VariantRow>& variants);

std::string efficiency_csv(const std::vector<EfficiencyRow>& rows);
std::string efficiency_table_html(const std::vector<EfficiencyRow>& rows);
/// ESS per second and time to the goal against lattice sites (log–log), one line per sample
/// stage's sampler across the runs; none when fewer than two lattice sizes are known.
std::vector<Figure> efficiency_figures(const std::vector<EfficiencyRow>& rows);

}  // namespace neuralrg::report
