// Running a batch of Markov chains with measurements: the engine of the sample stage.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "analysis/time_series.hpp"
#include "distributed/communicator.hpp"
#include "neuralrg/sampler.hpp"
#include "neuralrg/target.hpp"
#include "sampling/sampler_schedule.hpp"
#include "sampling/sampling_spaces.hpp"

namespace neuralrg {

struct ChainOptions {
  Index chains = 512;
  long long warmup = 100;
  long long sweeps = 100;
  long long measure_every = 1;
  Index chunk = 64;  ///< Chains per parallel task (results do not depend on threads).
  std::uint64_t seed = 0;
  std::string stream = "sample";
  /// Called before every sweep, in order; throwing from it stops the chains (a stop request must
  /// not wait for the last of 10⁵ sweeps).
  std::function<void(long long sweep)> before_sweep;
  /// The ranks the chunks of chains are spread over; every rank gets the same ChainResult.
  const Communicator* comm = &Communicator::self();
  /// Fills x (a chunk's chains × sites, its first row chain `first_chain`) with the chains'
  /// starting configurations, from the chunk's own random stream; empty: every chain starts from
  /// a fresh proposal of the space (the flow).
  std::function<void(Rng& rng, Index first_chain, Matrix& x)> start;
  /// Whether ChainResult::final_x is wanted (on several ranks: sent to rank 0 chunk by chunk).
  bool keep_final_states = true;
};

struct ObservableResult {
  std::string name;
  /// Over the time series of chain averages; stderr_ is raised to the spread of the group means
  /// (between_sequence_stderr) when that is larger.
  SeriesEstimate estimate;
  /// chains × measurements / (2 τ_int), reduced by (series error / stderr_)² when the groups'
  /// spread raised the error bar.
  double effective_samples;
  /// Rank-normalized split-R̂ (bulk and tail, Vehtari et al. 2021) over the time series of
  /// kRHatGroups groups of consecutive chains: > 1.05 means the groups disagree in location or
  /// spread, or drift, so the error bar cannot be trusted.
  double r_hat;
  /// Bulk- and tail-ESS (Vehtari et al. 2021) of the groups' time series, times the chains per
  /// group: in chains' samples like effective_samples. Tail-ESS concerns the 5 % and 95 %
  /// quantiles of a group's average, not of one chain's values.
  double bulk_ess, tail_ess;
  /// The measurements the estimates come from, for analysis with other tools: the average over
  /// all chains per measurement, and the same per group (groups × measurements).
  std::vector<double> series;
  std::vector<std::vector<double>> group_series;
};

inline constexpr Index kRHatGroups = 8;
/// Vehtari et al. (2021) recommend 1.01 for final results; 1.05 flags only clear failures, so
/// short exploratory runs do not warn on noise.
inline constexpr double kRHatWarning = 1.05;

/// How one sampler of the schedule did over the measured sweeps.
struct SamplerResult {
  std::string name;
  MoveKind move_kind;  ///< For advice when chains disagree.
  double acceptance;   ///< Mean over chains and the measured sweeps it acted in.
  long long sweeps;    ///< Measured sweeps it acted in.
};

struct ChainResult {
  std::vector<ObservableResult> observables;
  double acceptance;                    ///< Mean over chains and every sampler's measured moves.
  long long measurements;               ///< Points in each time series.
  double seconds;                       ///< Wall time of the measured sweeps.
  std::vector<SamplerResult> samplers;  ///< In schedule order.
  /// Physical configurations of the chains at the end, when keep_final_states (on rank 0 only).
  Matrix final_x;
};

/// Initialises every chain (options.start, or space.propose()), runs warmup + sweeps sweeps of the
/// schedule, and measures the target's observables every measure_every sweeps after warm-up. Each
/// sampler adapts on its own acceptance.
ChainResult run_chains(const ChainSpace& space, const SamplerSchedule& schedule,
                       const Target& target, const ChainOptions& options);
/// One sampler acting every sweep.
ChainResult run_chains(const ChainSpace& space, Sampler& sampler, const Target& target,
                       const ChainOptions& options);

}  // namespace neuralrg
