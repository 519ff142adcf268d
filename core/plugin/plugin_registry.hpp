// The process-wide registry of plugin factories, filled by loaded libraries.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "neuralrg/plugin.hpp"

namespace neuralrg {

/// A library that registered factories.
struct LoadedPlugin {
  std::string name;
  std::string version;
  std::filesystem::path path;
};

/// A library in the search path that was not registered, and why.
struct PluginProblem {
  std::filesystem::path path;
  std::string message;
};

/// One declared factory with its schema.
struct FactoryEntry {
  PluginKind kind;
  std::string name;
  std::string doc;
  Schema schema;
  std::variant<BijectorFactory, TargetFactory, PriorFactory, OptimizerFactory, SamplerFactory>
      factory;
  std::size_t plugin_index;  ///< Into PluginRegistry::plugins().
};

/// Factories by kind and name. Registration is staged per library: a library whose factories
/// clash with ones already registered is refused as a whole.
class PluginRegistry {
 public:
  /// Registers `info`'s factories (after the caller checked version and ABI). Returns an error
  /// message if refused, or "" on success.
  std::string register_plugin(const PluginInfo& info, const std::filesystem::path& path);
  void add_problem(std::filesystem::path path, std::string message);

  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<PluginProblem>& problems() const { return problems_; }
  const std::vector<FactoryEntry>& factories() const { return factories_; }

  /// The factory of `kind` named `name`, or nullptr.
  const FactoryEntry* find(PluginKind kind, std::string_view name) const;
  /// Every factory named `name`, of any kind (for `plugins --describe`).
  std::vector<const FactoryEntry*> find_any(std::string_view name) const;
  /// Names of all factories of `kind`, sorted.
  std::vector<std::string> names(PluginKind kind) const;

  /// Resolves a plugin section `{plugin: NAME, ...params}`: finds the factory (an unknown name
  /// lists the available ones of that kind and any refused library) and validates the params.
  std::pair<const FactoryEntry*, Params> resolve(PluginKind kind, const Value& section) const;

 private:
  std::vector<LoadedPlugin> plugins_;
  std::vector<PluginProblem> problems_;
  std::vector<FactoryEntry> factories_;
};

}  // namespace neuralrg
