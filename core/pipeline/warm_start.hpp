// Warm starts: a trained flow's weights mapped onto this run's flow, possibly for a larger L.
//
// The mapping (docs/growing-the-lattice.md) follows the hierarchy's bijector instances, which are
// made layer by layer in inference order, finest level first:
//   shared: scale  every level uses one disentangler and one decimator; both are copied, so the
//                  source's RG step is applied at every level of the new lattice;
//   shared: layer  layer i takes layer i's weights: the finest levels of both lattices correspond.
//                  Layers the source lacks (the new coarsest levels) keep the seed's
//                  initialisation, as in a cold start: their random masks are drawn for their own
//                  position, so the source's coarsest weights would not fit them;
//   shared: block  weights belong to positions, so only the same lattice is accepted.
// The blocks must be built identically (plugin, every parameter, seed) so each copied bijector's
// non-parameter state (masks) is the source's. The prior's weights are copied when every tensor's
// name and shape agree (the same L) and otherwise keep their initialisation.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "pipeline/trained_flow.hpp"

namespace neuralrg {

struct WarmStartPlan {
  std::vector<std::pair<Index, Index>> bijectors;  ///< (this flow's instance, the source's)
  bool prior = false;                              ///< The prior's weights are copied too.
  std::string summary;                             ///< One line for the log.
};

/// What a warm start of `flow` (configured by `spec`) from `source` copies. Throws
/// std::runtime_error naming the source directory and the first thing that differs.
WarmStartPlan plan_warm_start(const PipelineSpec& spec, const Flow& flow,
                              const TrainedFlow& source);

/// Copies the planned weights from `source` into `flow`.
void apply_warm_start(const WarmStartPlan& plan, Flow& flow, const Flow& source);

}  // namespace neuralrg
