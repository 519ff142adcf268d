#include "plugin/plugin_json.hpp"

#include "util/isa.hpp"

namespace neuralrg {

Json parameter_json(const ParamSpec& spec) {
  Json j;
  j["name"] = spec.name;
  j["type"] = std::string(to_string(spec.type));
  j["default"] = spec.default_text ? Json(*spec.default_text) : Json(nullptr);
  if (spec.min) j["min"] = *spec.min;
  if (spec.max) j["max"] = *spec.max;
  if (!spec.choices.empty()) j["choices"] = spec.choices;
  j["doc"] = spec.doc;
  return j;
}

Json factory_json(const PluginRegistry& registry, const FactoryEntry& factory) {
  const auto& plugin = registry.plugins()[factory.plugin_index];
  Json j;
  j["kind"] = std::string(to_string(factory.kind));
  j["name"] = factory.name;
  j["doc"] = factory.doc;
  j["plugin"] = plugin.name;
  j["version"] = plugin.version;
  j["path"] = plugin.path.string();
  j["isa"] = std::string(isa_level_of(plugin.path));
  Json parameters = Json::array();
  for (const auto& spec : factory.schema.specs()) parameters.push_back(parameter_json(spec));
  j["parameters"] = std::move(parameters);
  return j;
}

Json plugins_json(const PluginRegistry& registry) {
  Json list = Json::array();
  for (const auto& f : registry.factories()) list.push_back(factory_json(registry, f));
  return list;
}

}  // namespace neuralrg
