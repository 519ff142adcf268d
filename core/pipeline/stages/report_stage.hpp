// The report stage: the run's report.html, from what the earlier stages wrote.
#pragma once

#include "pipeline/run_context.hpp"

namespace neuralrg {

/// Writes RUN_DIR/report.html (title: the stage's, or the pipeline's name).
void run_report_stage(RunContext& context, const StageSpec& stage, std::size_t index);

}  // namespace neuralrg
