// The stages a pipeline can list, each with its parameter schema.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neuralrg/plugin.hpp"

namespace neuralrg {

struct RunContext;
struct StageSpec;

/// Runs stage `index` of the context's pipeline (validated against the kind's schema).
using StageRun = void (*)(RunContext& context, const StageSpec& stage, std::size_t index);

/// A plugin section nested in a stage. The stage talks to the plugin through its interface only.
struct PluginSection {
  std::string key;  ///< e.g. "optimizer"
  PluginKind kind;
  std::string default_yaml;  ///< The section used when absent (YAML); empty = required.
  /// Whether a non-empty list of sections is accepted too (the stage combines them).
  bool list = false;
};

/// One stage kind: its schema, the plugin sections nested in it, and what runs it. Adding a stage
/// kind is its own file in stages/ plus one entry in stage_catalog().
struct StageKind {
  std::string name;
  std::string doc;
  Schema schema;
  std::vector<PluginSection> plugin_sections;
  StageRun run = nullptr;
  /// Every rank runs it, sharing its work (train: the batch's chunks, sample: the chains). A stage
  /// that is not runs on rank 0 alone while the others wait.
  bool distributed = false;
  /// Checks across keys that a schema cannot express, when the pipeline is loaded (null: none).
  void (*check)(const StageSpec& stage) = nullptr;
};

/// All stage kinds, in documentation order.
const std::vector<StageKind>& stage_catalog();
const StageKind* find_stage(std::string_view name);

/// The schema of the `flow:` section (layout, depth, block, ...).
const Schema& flow_schema();

}  // namespace neuralrg
