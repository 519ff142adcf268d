// The pipeline format as a JSON Schema (draft-07), generated from the same declared schemas as
// docs/pipelines.md, so editors validate and complete pipeline YAML (VS Code's YAML extension:
// `# yaml-language-server: $schema=../docs/pipeline.schema.json` at the top of a file).
#pragma once

#include "plugin/plugin_registry.hpp"
#include "util/json.hpp"

namespace neuralrg {

/// Every top-level key, flow key, stage and the loaded plugins' sections with their parameters.
Json pipeline_json_schema(const PluginRegistry& registry);

}  // namespace neuralrg
