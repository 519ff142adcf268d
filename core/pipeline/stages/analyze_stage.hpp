// The analyze stage: what the trained flow learned, on configurations from Markov chains on π.
#pragma once

#include "pipeline/run_context.hpp"

namespace neuralrg {

/// Runs analyze stage `index`; writes RUN_DIR/analysis/ (response maps, mutual information maps,
/// latent statistics per scale, picture grids) for the report.
void run_analyze_stage(RunContext& context, const StageSpec& stage, std::size_t index);

}  // namespace neuralrg
