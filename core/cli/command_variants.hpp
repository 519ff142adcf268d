// Pipelines with variants: all of them in one command, spread over the ranks of an MPI job, or one
// per command (--variant NAME, for a scheduler's job array) into a shared run directory.
#pragma once

#include <filesystem>

#include "cli/commands.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_directory.hpp"

namespace neuralrg::cli {

/// Runs the variants of `spec` below dir/variants (those of options.variant only, when given),
/// then writes the comparison once every variant has finished. `lock` holds `dir` when resuming.
int run_with_variants(const GlobalOptions& global, const PipelineOptions& options,
                      const PipelineSpec& spec, const PluginRegistry& registry,
                      const std::filesystem::path& dir, RunLock lock);

/// Writes the comparison of a variants run directory from the variants that have finished.
int write_variants_comparison(const std::filesystem::path& dir, const PipelineSpec& spec,
                              const PluginRegistry& registry);

}  // namespace neuralrg::cli
