// Running a pipeline's stages in a prepared run directory: what `neuralrg run` does once the
// configuration is settled, the directory locked and the model built.
#pragma once

#include "pipeline/run_context.hpp"

namespace neuralrg {

/// Runs every stage not yet marked completed in context.dir, in order, marking each when it ends.
/// On a resume the trained flow (flow.ckpt) is restored first. A stop request ends the run at the
/// next safe point (Interrupted); an error from a plugin is rethrown naming the stage (and the
/// epoch of a train stage); a failed write says how to resume.
void run_stages(RunContext& context, bool resuming);

}  // namespace neuralrg
