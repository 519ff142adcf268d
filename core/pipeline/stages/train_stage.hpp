// The train stage: variational training of the flow against the target.
#pragma once

#include "pipeline/run_context.hpp"

namespace neuralrg {

/// Runs (or resumes from the latest checkpoint) train stage `index` of the pipeline. Writes
/// metrics.csv, checkpoints/ and, when done, flow.ckpt.
void run_train_stage(RunContext& context, const StageSpec& stage, std::size_t index);

}  // namespace neuralrg
