#include "pipeline/pipeline_json_schema.hpp"

#include "pipeline/pipeline_spec.hpp"
#include "pipeline/stage_catalog.hpp"

namespace neuralrg {

namespace {

Json bounded(const char* type, const ParamSpec& spec) {
  Json j{{"type", type}};
  if (spec.min) j["minimum"] = *spec.min;
  if (spec.max) j["maximum"] = *spec.max;
  return j;
}

// A number that may also be one of the parameter's words (beta: critical, offset: auto).
Json number_or_words(const char* type, const ParamSpec& spec) {
  Json number = bounded(type, spec);
  if (spec.choices.empty()) return number;
  return Json{{"anyOf", Json::array({number, Json{{"enum", spec.choices}}})}};
}

Json value_schema(const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::Integer:
      return number_or_words("integer", spec);
    case ParamType::Real:
      return number_or_words("number", spec);
    case ParamType::Boolean:
      return Json{{"type", "boolean"}};
    case ParamType::Text:
      return Json{{"type", Json::array({"string", "number", "boolean"})}};
    case ParamType::Choice: {
      // A YAML true or false reaches an editor's validator as a JSON boolean, not a word.
      Json words = Json::array();
      for (const auto& w : spec.choices)
        words.push_back(w == "true" ? Json(true) : w == "false" ? Json(false) : Json(w));
      return Json{{"enum", words}};
    }
    case ParamType::IntegerList:
      return Json{{"type", "array"}, {"items", bounded("integer", spec)}};
    case ParamType::RealList:
      return Json{{"type", "array"}, {"items", bounded("number", spec)}};
    case ParamType::Map:
      return Json{{"type", Json::array({"object", "null"})}};
  }
  return Json::object();
}

// An object of the schema's keys; `sections` replaces the schemas of nested plugin sections.
Json object_schema(const Schema& schema, const Json& sections = Json::object()) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const auto& spec : schema.specs()) {
    Json p = sections.contains(spec.name) ? sections[spec.name] : value_schema(spec);
    p["description"] = spec.doc;
    properties[spec.name] = std::move(p);
    if (!spec.default_text) required.push_back(spec.name);
  }
  Json j{{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) j["required"] = required;
  return j;
}

// {plugin: NAME, ...its parameters} for every loaded plugin of `kind`.
Json plugin_section(const PluginRegistry& registry, PluginKind kind) {
  Json choices = Json::array();
  for (const auto& f : registry.factories()) {
    if (f.kind != kind) continue;
    Json j = object_schema(f.schema);
    j["properties"]["plugin"] = Json{{"const", f.name}, {"description", f.doc}};
    j["required"].push_back("plugin");
    choices.push_back(std::move(j));
  }
  return Json{{"oneOf", choices}};
}

// A section the host fills with its default plugin when it is absent, empty or null.
Json defaulted(Json section) {
  section["oneOf"].push_back(Json{{"type", "object"}, {"maxProperties", 0}});
  section["oneOf"].push_back(Json{{"type", "null"}});
  return section;
}

// What is_plain_name accepts: a run or variant name becomes a directory name.
Json plain_name_schema() {
  return Json{{"type", "string"},
              {"pattern", "^[A-Za-z0-9._-]{1,200}$"},
              {"not", Json{{"enum", Json::array({".", ".."})}}}};
}

Json flow_section(const PluginRegistry& registry) {
  const Json block = defaulted(plugin_section(registry, PluginKind::Bijector));
  return object_schema(
      flow_schema(), Json{{"block", Json{{"anyOf", Json::array({block, Json{{"type", "array"},
                                                                            {"items", block},
                                                                            {"minItems", 1}}})}}}});
}

Json stage_item(const PluginRegistry& registry, const StageKind& kind) {
  Json sections = Json::object();
  for (const auto& section : kind.plugin_sections) {
    const Json one = plugin_section(registry, section.kind);
    sections[section.key] =
        section.list
            ? Json{{"anyOf",
                    Json::array({one, Json{{"type", "array"}, {"items", one}, {"minItems", 1}}})}}
            : one;
  }
  Json body = object_schema(kind.schema, sections);
  body["type"] = Json::array({"object", "null"});  // `- report:` with nothing after it
  body["description"] = kind.doc;
  return Json{{"type", "object"},
              {"properties", Json{{kind.name, body}}},
              {"required", Json::array({kind.name})},
              {"additionalProperties", false}};
}

}  // namespace

Json pipeline_json_schema(const PluginRegistry& registry) {
  Json stages = Json::array();
  for (const auto& kind : stage_catalog()) stages.push_back(stage_item(registry, kind));
  Json top = object_schema(
      pipeline_schema(),
      Json{{"target", plugin_section(registry, PluginKind::Target)},
           {"prior", defaulted(plugin_section(registry, PluginKind::Prior))},
           {"name", plain_name_schema()},
           {"flow", flow_section(registry)},
           {"sweep", Json{{"type", "object"},
                          {"additionalProperties", Json{{"type", "array"}, {"minItems", 1}}}}}});
  top["properties"]["stages"] = Json{{"type", "array"},
                                     {"minItems", 1},
                                     {"items", Json{{"oneOf", stages}}},
                                     {"description", "Stages run in order."}};
  top["properties"]["variants"] =
      Json{{"type", "array"},
           {"items", object_schema(variant_schema(), Json{{"name", plain_name_schema()}})},
           {"description", "Named override sets run side by side."}};
  top["required"].push_back("stages");
  Json schema{{"$schema", "http://json-schema.org/draft-07/schema#"},
              {"$id", "https://neuralrg.invalid/pipeline.schema.json"},
              {"title", "NeuralRG pipeline"}};
  schema.update(top);
  return schema;
}

}  // namespace neuralrg
