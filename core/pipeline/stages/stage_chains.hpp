// What the sample and analyze stages share: loading a flow from another run, and running a
// sampler plugin's chains in the space the stage names.
#pragma once

#include "pipeline/run_context.hpp"
#include "sampling/chain_runner.hpp"

namespace neuralrg {

/// Loads RUN_DIR/flow.ckpt as the context's flow when the stage's flow_from is set; the run's own
/// flow waits in context.own_flow and is the flow again after the stage (run_stages).
void load_flow_from(RunContext& context, const Params& stage_params);

/// The stage's samplers (one, or each of its list), made by their plugins for the stage's space
/// and the context's target. A factory's refusal (a sampler that cannot work with this target or
/// space) is a ConfigError at the stage's `sampler` key: preflight calls this, so `validate`
/// reports it before any stage runs.
std::vector<std::shared_ptr<Sampler>> make_samplers(const RunContext& context,
                                                    const StageSpec& stage);

/// Runs the chains of the stage's sampler section in the space its `space` key names.
ChainResult run_sampler_chains(const RunContext& context, const StageSpec& stage,
                               const ChainOptions& options);

}  // namespace neuralrg
