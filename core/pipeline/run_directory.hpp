// The run directory: created completely or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

/// The default run directory: runs/<name>-<YYYYmmdd-HHMMSS>.
std::filesystem::path default_run_directory(const PipelineSpec& spec);

/// JSON list of the loaded plugins (name, version, path, and the factories each provides).
std::string plugins_json(const PluginRegistry& registry);

/// Creates `dir` holding config.yaml (resolved) and plugins.json. Everything is written into a
/// staging folder first and renamed into place, so a failure leaves no half-written directory.
/// Refuses an existing non-empty `dir`.
void create_run_directory(const std::filesystem::path& dir, const PipelineSpec& spec,
                          const PluginRegistry& registry);

/// Indices of the stages a run directory has completed (from its stages.done file).
std::vector<std::size_t> completed_stages(const std::filesystem::path& dir);
/// Records stage `index` as completed.
void mark_stage_completed(const std::filesystem::path& dir, std::size_t index);

}  // namespace neuralrg
