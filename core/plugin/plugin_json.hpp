// The loaded plugins as JSON, one shape everywhere: `plugins --json`, `plugins --describe NAME
// --json` and a run directory's plugins.json all list factory objects
//   {kind, name, doc, plugin, version, path, isa, parameters: [{name, type, default, min, max,
//    choices, doc}]}
// (absent bounds and choices are omitted; a required parameter has "default": null).
#pragma once

#include "plugin/plugin_registry.hpp"
#include "util/json.hpp"

namespace neuralrg {

Json parameter_json(const ParamSpec& spec);
Json factory_json(const PluginRegistry& registry, const FactoryEntry& factory);
/// Every factory of `registry`, in registry order.
Json plugins_json(const PluginRegistry& registry);

}  // namespace neuralrg
