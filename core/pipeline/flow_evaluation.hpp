// The variational bound of a flow on a target, without training: what `neuralrg evaluate` reports
// for a trained flow carried to another lattice (zero-shot transfer).
#pragma once

#include <cstdint>
#include <optional>

#include "flow/flow.hpp"
#include "neuralrg/target.hpp"
#include "pipeline/stages/train_statistics.hpp"

namespace neuralrg {

struct FlowEvaluation {
  Index samples = 0;
  LossStatistics loss{};  ///< bound (mean of ln q + E), its spread, ESS, importance-sampling F
  double bound_stderr = 0;
  std::optional<double> exact;  ///< The target's exact free energy, if it knows it.
};

/// ln q(x) + E(x) over `samples` flow samples drawn from the streams (seed, "evaluate", chunk);
/// the chunks are fixed by `samples` and the lattice, so the result does not depend on threads.
FlowEvaluation evaluate_flow(const Flow& flow, const Target& target, std::uint64_t seed,
                             Index samples);

}  // namespace neuralrg
