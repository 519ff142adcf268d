// The variants a pipeline runs: its `variants:` list, crossed with every combination of its
// `sweep:` grid, each repeated with `seeds:` seeds (seed, seed + 1, …). The comparison averages
// the repetitions of one variant (its group) and says which differences exceed their errors.
#pragma once

#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// Runs one pipeline may expand to (each is validated, and its model built, up front).
inline constexpr std::size_t kMaxRuns = 1000;

/// `top` holds the validated top-level keys (seed, seeds, sweep); `variants` is the raw
/// `variants:` list or nullptr. Names are checked (plain, unique) with the file position of the
/// entry that made them.
std::vector<VariantSpec> expand_variants(const Params& top, const Value* variants);

}  // namespace neuralrg
