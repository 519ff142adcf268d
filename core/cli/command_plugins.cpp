// neuralrg plugins [--describe NAME] [--json]
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.hpp"
#include "config/suggest.hpp"
#include "plugin/plugin_json.hpp"
#include "plugin/plugin_loader.hpp"

namespace neuralrg::cli {
namespace {

void print_problems(const PluginRegistry& registry) {
  for (const auto& p : registry.problems())
    fmt::print(stderr, "error: {}: {}\n", p.path.string(), p.message);
}

std::string range_text(const ParamSpec& s) {
  if (!s.choices.empty() && s.type == ParamType::Choice) return join(s.choices, "|");
  if (s.min && s.max) return fmt::format("[{}, {}]", *s.min, *s.max);
  if (s.min) return fmt::format("≥ {}", *s.min);
  if (s.max) return fmt::format("≤ {}", *s.max);
  if (!s.choices.empty()) return "or " + join(s.choices, "|");
  return "";
}

}  // namespace

int list_plugins(const GlobalOptions& global, bool json) {
  const PluginRegistry& registry = global_registry(global.plugin_path);
  if (json) {
    fmt::print("{}", json_text(plugins_json(registry)));
  } else if (registry.factories().empty()) {
    fmt::print(
        "no plugins found (searched --plugin-path, $NEURALRG_PLUGIN_PATH and the "
        "default folders)\n");
  } else {
    fmt::print("{:<16} {:<10} {:<9} {}\n", "NAME", "KIND", "VERSION", "PATH");
    for (const auto& f : registry.factories()) {
      const auto& p = registry.plugins()[f.plugin_index];
      fmt::print("{:<16} {:<10} {:<9} {}\n", f.name, to_string(f.kind), p.version, p.path.string());
    }
  }
  print_problems(registry);
  return registry.problems().empty() ? 0 : kExitFailure;
}

int describe_plugin(const GlobalOptions& global, const std::string& name, bool json) {
  const PluginRegistry& registry = global_registry(global.plugin_path);
  const auto entries = registry.find_any(name);
  if (entries.empty()) {
    std::vector<std::string> all;
    for (const auto& f : registry.factories()) all.push_back(f.name);
    const std::string guess = nearest(name, all);
    fmt::print(stderr, "error: no plugin named \"{}\"{}; available: {}\n", name,
               guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess), join(all));
    print_problems(registry);
    return kExitInvalidInput;
  }
  if (json) {
    Json list = Json::array();
    for (const FactoryEntry* f : entries) list.push_back(factory_json(registry, *f));
    fmt::print("{}", json_text(list));
    return 0;
  }
  for (const FactoryEntry* f : entries) {
    const auto& p = registry.plugins()[f->plugin_index];
    fmt::print("{} ({}): {}\n  plugin {} {} at {}\n", f->name, to_string(f->kind), f->doc, p.name,
               p.version, p.path.string());
    if (f->schema.specs().empty()) {
      fmt::print("  no parameters\n");
      continue;
    }
    fmt::print("  {:<18} {:<13} {:<16} {:<14} {}\n", "PARAMETER", "TYPE", "DEFAULT", "RANGE",
               "DESCRIPTION");
    for (const auto& s : f->schema.specs())
      fmt::print("  {:<18} {:<13} {:<16} {:<14} {}\n", s.name, to_string(s.type),
                 s.default_text ? *s.default_text : "(required)", range_text(s), s.doc);
  }
  return 0;
}

}  // namespace neuralrg::cli
