#include "plugin/plugin_registry.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/suggest.hpp"
#include "plugin/guarded_plugins.hpp"

namespace neuralrg {

const char* to_string(PluginKind kind) {
  switch (kind) {
    case PluginKind::Bijector:
      return "bijector";
    case PluginKind::Target:
      return "target";
    case PluginKind::Prior:
      return "prior";
    case PluginKind::Optimizer:
      return "optimizer";
    case PluginKind::Sampler:
      return "sampler";
  }
  return "?";
}

namespace {

// Collects one library's declarations so they can be checked before any becomes visible.
class StagingRegistry final : public Registry {
 public:
  explicit StagingRegistry(std::size_t plugin_index) : plugin_index_(plugin_index) {}
  std::vector<FactoryEntry> entries;

  void add_bijector(std::string name, std::string doc, Schema schema,
                    BijectorFactory factory) override {
    add(PluginKind::Bijector, std::move(name), std::move(doc), std::move(schema),
        std::move(factory));
  }
  void add_target(std::string name, std::string doc, Schema schema,
                  TargetFactory factory) override {
    add(PluginKind::Target, std::move(name), std::move(doc), std::move(schema), std::move(factory));
  }
  void add_prior(std::string name, std::string doc, Schema schema, PriorFactory factory) override {
    add(PluginKind::Prior, std::move(name), std::move(doc), std::move(schema), std::move(factory));
  }
  void add_optimizer(std::string name, std::string doc, Schema schema,
                     OptimizerFactory factory) override {
    add(PluginKind::Optimizer, std::move(name), std::move(doc), std::move(schema),
        std::move(factory));
  }
  void add_sampler(std::string name, std::string doc, Schema schema,
                   SamplerFactory factory) override {
    add(PluginKind::Sampler, std::move(name), std::move(doc), std::move(schema),
        std::move(factory));
  }

 private:
  template <class F>
  void add(PluginKind kind, std::string name, std::string doc, Schema schema, F factory) {
    F named = guarded(name, std::move(factory));
    entries.push_back(FactoryEntry{kind, std::move(name), std::move(doc), std::move(schema),
                                   std::move(named), plugin_index_});
  }
  std::size_t plugin_index_;
};

}  // namespace

std::string PluginRegistry::register_plugin(const PluginInfo& info,
                                            const std::filesystem::path& path) {
  StagingRegistry staging(plugins_.size());
  try {
    info.register_factories(staging);
  } catch (const std::exception& e) {
    return fmt::format("plugin \"{}\" failed while registering: {}", info.name, e.what());
  }
  for (std::size_t i = 0; i < staging.entries.size(); ++i) {
    const auto& entry = staging.entries[i];
    if (const FactoryEntry* existing = find(entry.kind, entry.name))
      return fmt::format(
          "plugin \"{}\" registers {} \"{}\", which plugin \"{}\" ({}) already "
          "registered; the library was not loaded",
          info.name, to_string(entry.kind), entry.name, plugins_[existing->plugin_index].name,
          plugins_[existing->plugin_index].path.string());
    for (std::size_t j = 0; j < i; ++j)
      if (staging.entries[j].kind == entry.kind && staging.entries[j].name == entry.name)
        return fmt::format("plugin \"{}\" registers {} \"{}\" twice", info.name,
                           to_string(entry.kind), entry.name);
  }
  plugins_.push_back({info.name, info.version, path});
  for (auto& entry : staging.entries) factories_.push_back(std::move(entry));
  return {};
}

void PluginRegistry::add_problem(std::filesystem::path path, std::string message) {
  problems_.push_back({std::move(path), std::move(message)});
}

const FactoryEntry* PluginRegistry::find(PluginKind kind, std::string_view name) const {
  for (const auto& f : factories_)
    if (f.kind == kind && f.name == name) return &f;
  return nullptr;
}

std::vector<const FactoryEntry*> PluginRegistry::find_any(std::string_view name) const {
  std::vector<const FactoryEntry*> out;
  for (const auto& f : factories_)
    if (f.name == name) out.push_back(&f);
  return out;
}

std::vector<std::string> PluginRegistry::names(PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto& f : factories_)
    if (f.kind == kind) out.push_back(f.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::pair<const FactoryEntry*, Params> PluginRegistry::resolve(PluginKind kind,
                                                               const Value& section) const {
  if (section.kind != Value::Kind::Map)
    throw ConfigError(
        section.where, section.path,
        fmt::format("expected a {} section like {{plugin: NAME, ...}}", to_string(kind)));
  const Value* plugin = section.find("plugin");
  if (!plugin || plugin->kind != Value::Kind::Scalar)
    throw ConfigError(section.where, section.path + ".plugin",
                      fmt::format("missing the {} plugin name (available: {})", to_string(kind),
                                  join(names(kind))));
  const FactoryEntry* entry = find(kind, plugin->text);
  if (!entry) {
    std::string message = fmt::format("unknown {} plugin \"{}\"", to_string(kind), plugin->text);
    const std::string guess = nearest(plugin->text, names(kind));
    if (!guess.empty()) message += fmt::format("; did you mean \"{}\"?", guess);
    message += fmt::format("; available {}s: {}", to_string(kind),
                           names(kind).empty() ? "none" : join(names(kind)));
    for (const auto& p : problems_)
      message += fmt::format("\n  note: {} was not loaded: {}", p.path.string(), p.message);
    throw ConfigError(plugin->where, plugin->path, message);
  }
  return {entry, Params::validate(entry->schema, section, plugin->text, {"plugin"})};
}

}  // namespace neuralrg
