// The sample stage: MCMC in latent or physical space with observables and honest error bars.
#pragma once

#include "pipeline/run_context.hpp"

namespace neuralrg {

/// Runs sample stage `index`; appends its rows to observables.csv.
void run_sample_stage(RunContext& context, const StageSpec& stage, std::size_t index);

}  // namespace neuralrg
