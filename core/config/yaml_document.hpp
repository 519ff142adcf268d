// YAML text ⇄ located Value trees, and --set overrides.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "neuralrg/params.hpp"

namespace neuralrg {

/// Parses a YAML file. Missing or unreadable files and syntax errors throw ConfigError located at
/// the file (and line:column for syntax errors).
Value load_yaml_file(const std::filesystem::path& file);

/// Parses YAML text; `source` names it in locations.
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
