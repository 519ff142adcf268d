// A pipeline file, validated completely (plugins, parameters, stages) before any compute.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "plugin/plugin_registry.hpp"

namespace neuralrg {

/// A plugin section resolved against the registry.
struct PluginUse {
  const FactoryEntry* factory;
  Params params;
};

struct StageSpec {
  std::string kind;
  Params params;
  std::vector<std::pair<std::string, PluginUse>> plugins;  ///< nested sections by key
  Location where;

  /// The nested plugin section under `key` (throws if the stage has none).
  const PluginUse& plugin(std::string_view key) const;
  /// Every section under `key`, in order: one, or the entries of a list.
  std::vector<const PluginUse*> plugins_of(std::string_view key) const;
};

/// One named set of overrides for side-by-side runs.
struct VariantSpec {
  std::string name;
  std::string group;  ///< The variant before repetition over seeds (its name when seeds: 1).
  Value overrides;    ///< map of dotted key → value
};

struct PipelineSpec {
  std::filesystem::path file;
  std::string name;
  std::uint64_t seed = 0;
  std::optional<PluginUse> target;
  std::optional<PluginUse> prior;
  std::optional<Params> flow;
  std::vector<PluginUse> blocks;  ///< flow.block: one section, or a list applied in order
  std::vector<StageSpec> stages;
  std::vector<VariantSpec> variants;  ///< `variants:` × `sweep:` × `seeds:`, expanded
  /// The configuration with every default filled in (what the run directory records).
  Value resolved;
  /// The tree as written plus --set overrides, before defaults (what variants start from).
  Value raw;
};

/// Letters, digits, '.', '_' and '-', not "." or "..": what may name a run, variant or observable.
bool is_plain_name(std::string_view name);
/// The `name` key of `params`; a ConfigError at its position unless it is a plain name.
std::string plain_name(const Params& params);

/// The top-level keys of a pipeline file (besides the `stages` and `variants` lists), and the keys
/// of one entry of its `variants:` list.
const Schema& pipeline_schema();
const Schema& variant_schema();

/// Applies `overrides` ("dotted.key=value", --set) to a pipeline tree in order. Each outranks the
/// tree's variants and sweep: the key (and any key inside it) leaves every variant's `set` and the
/// `sweep`, so `--variant L-32 --set stages.0.train.epochs=20` runs 20 epochs whatever L-32 sets.
void apply_command_line_overrides(Value& raw, const std::vector<std::string>& overrides);

/// Loads and validates `file` with `overrides` applied by apply_command_line_overrides. Every error
/// is a ConfigError naming the file, line, column and key path.
PipelineSpec load_pipeline(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides,
                           const PluginRegistry& registry);

/// Validates an already-parsed tree (used for variants).
PipelineSpec validate_pipeline(Value raw, const std::filesystem::path& file,
                               const PluginRegistry& registry);

/// Whether a configuration tree (a run directory's config.yaml) runs variants: a `variants:` list,
/// a non-empty `sweep:` or `seeds:` above 1.
bool has_variants(const Value& config);

/// The raw tree of variant `v` of `spec` (overrides applied, not yet validated).
Value variant_tree(const PipelineSpec& spec, const VariantSpec& v);

}  // namespace neuralrg
