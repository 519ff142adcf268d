// YAML text ⇄ located Value trees, and --set overrides.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "neuralrg/params.hpp"

namespace neuralrg {

/// Bounds on the tree a YAML text may expand to. Aliases let a few lines name exponentially many
/// nodes (billion laughs) or, inside their own anchor, infinitely many; real pipelines have a few
/// hundred nodes about ten levels deep. A tree is copied a few times while it is validated, so the
/// node bound is kept where those copies still fit comfortably in memory (~200 B per node).
inline constexpr int kMaxYamlDepth = 64;
inline constexpr std::size_t kMaxYamlNodes = 200'000;
/// Scalar text plus key paths, summed over the expanded tree.
inline constexpr std::size_t kMaxYamlBytes = std::size_t{32} << 20;

/// Parses a YAML file. Missing or unreadable files and syntax errors throw ConfigError located at
/// the file (and line:column for syntax errors).
Value load_yaml_file(const std::filesystem::path& file);

/// Parses YAML text; `source` names it in locations. Syntax errors and trees beyond the bounds
/// above throw ConfigError located at the offending node.
Value parse_yaml(const std::string& text, const std::string& source);

/// Applies "dotted.key=value" (value in YAML syntax, e.g. "[20, 20]") to a map tree, creating
/// intermediate maps as needed. The new value is located at "--set key=value".
void apply_override(Value& root, std::string_view assignment);

/// Replaces (or creates) the value at dotted `key`; numeric components index lists
/// (stages.0.train.epochs). The new value and its children are located at `where`.
void set_path(Value& root, const std::string& key, Value replacement, const Location& where);

/// YAML text of a tree (block style, keys in order), for the run directory's resolved config.
std::string to_yaml(const Value& root);

/// Recomputes the dotted `path` of every node below `v` (after moving subtrees around).
void assign_paths(Value& v, const std::string& path);

}  // namespace neuralrg
