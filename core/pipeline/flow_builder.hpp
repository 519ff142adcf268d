// Building a Flow from resolved plugin sections.
#pragma once

#include <cstdint>
#include <memory>

#include "flow/flow.hpp"
#include "plugin/plugin_registry.hpp"

namespace neuralrg {

/// Builds prior + hierarchy for a lattice of `extent`. `flow` holds the validated flow section
/// (layout, depth, shared, symmetrize); `block` and `prior` the resolved plugin sections. Block
/// instance k is seeded from (seed, "flow.block", k). Geometry errors become ConfigErrors located
/// at the offending flow key.
std::unique_ptr<Flow> build_flow(const std::vector<Index>& extent, const Params& flow,
                                 const FactoryEntry& block, const Params& block_params,
                                 const FactoryEntry& prior, const Params& prior_params,
                                 std::uint64_t seed);

}  // namespace neuralrg
