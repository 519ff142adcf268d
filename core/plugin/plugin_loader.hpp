// Finding and loading plugin libraries.
#pragma once

#include <filesystem>
#include <vector>

#include "plugin/plugin_registry.hpp"

namespace neuralrg {

/// Where plugins are searched, in order: the build tree's plugin folder when running from the
/// build tree, or the install prefix's lib/neuralrg/plugins otherwise; then `cli` (--plugin-path)
/// and $NEURALRG_PLUGIN_PATH (colon-separated). A name registered twice keeps the first library,
/// so the built-in plugins cannot be replaced. Missing folders are dropped.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& cli);

/// Loads every shared library in `dirs` (and any path that is itself a library file) into
/// `registry`. Each library's API version and ABI tag are checked before it registers anything;
/// refused libraries are recorded as problems. Libraries stay loaded for the life of the process.
void load_plugins(PluginRegistry& registry, const std::vector<std::filesystem::path>& dirs);

/// The process-wide registry, loaded on first use from plugin_search_path(cli).
PluginRegistry& global_registry(const std::vector<std::filesystem::path>& cli = {});

}  // namespace neuralrg
