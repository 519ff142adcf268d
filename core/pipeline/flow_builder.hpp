// Building a Flow from resolved plugin sections.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "flow/flow.hpp"
#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// Builds prior + hierarchy for a lattice of `extent`. `flow` holds the validated flow section
/// (layout, depth, shared, symmetrize); `blocks` the resolved block sections (more than one: a
/// chain applied in order) and `prior` the prior's. Block instance i of chain position k is seeded
/// from (seed, "flow.block", i) for k = 0 and (seed, "flow.block<k>", i) after, so a one-block
/// flow is seeded as before chains existed. Geometry errors become ConfigErrors located at the
/// offending flow key.
std::unique_ptr<Flow> build_flow(const std::vector<Index>& extent, const Params& flow,
                                 const std::vector<PluginUse>& blocks, const PluginUse& prior,
                                 std::uint64_t seed);

}  // namespace neuralrg
