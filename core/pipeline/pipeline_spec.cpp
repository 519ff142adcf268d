#include "pipeline/pipeline_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "config/scalar_parse.hpp"
#include "config/suggest.hpp"
#include "config/yaml_document.hpp"
#include "pipeline/stage_catalog.hpp"
#include "pipeline/variant_expansion.hpp"

namespace neuralrg {

const Schema& pipeline_schema() {
  static const Schema schema = [] {
    Schema s;
    s.text("name", std::nullopt,
           "Pipeline name; names the run directory (letters, digits, `.`, `_`, `-`).");
    s.integer("seed", 0, "Seed of every random stream.").range(0, std::nullopt);
    s.text("description", "", "Free text shown in the report.");
    s.map("target", true, "Target plugin section, e.g. {plugin: ising_dual, L: 16}.");
    s.map("prior", false, "Prior plugin section (default {plugin: gaussian}).");
    s.map("flow", false, "The hierarchical flow: layout, depth, block bijector, symmetry.");
    s.map("sweep", false,
          "Variants on a grid: {dotted.key: [values], ...} runs every combination (crossed with "
          "`variants:` when both are given), each named KEY-VALUE_KEY-VALUE.");
    s.integer("seeds", 1,
              "Runs of each variant, with seeds seed, seed + 1, ... (named NAME-seedS); the "
              "comparison reports mean ± standard error over them.")
        .range(1, 1000);
    return s;
  }();
  return schema;
}

const Schema& variant_schema() {
  static const Schema schema = [] {
    Schema s;
    s.text("name", std::nullopt,
           "Variant name (its run directory is variants/NAME; letters, digits, `.`, `_`, `-`).");
    s.map("set", true, "Dotted key → value overrides, as with --set.");
    return s;
  }();
  return schema;
}

// Names become directories and files (runs/NAME-time, variants/NAME, series/stageI/NAME.npy): a
// separator, "..", or a control character would put them somewhere else, or somewhere unreadable;
// a comma would break the CSV tables that list them.
bool is_plain_name(std::string_view name) {
  // A run directory's name plus ".yaml" or ".log" stays under every file system's 255 bytes.
  constexpr std::size_t kMaxLength = 200;
  return !name.empty() && name.size() <= kMaxLength && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '_' || c == '-';
         });
}

std::string plain_name(const Params& params) {
  const std::string& name = params.text("name");
  if (!is_plain_name(name))
    throw params.error("name",
                       fmt::format("\"{}\" cannot name a directory: use letters, digits, "
                                   "'.', '_' and '-', at most 200 of them (not \".\" or \"..\")",
                                   name));
  return name;
}

namespace {

Value plugin_default(const Value& parent, const std::string& key, const std::string& plugin) {
  Value v;
  v.kind = Value::Kind::Map;
  v.where = Location{"(default)", 0, 0};
  v.path = parent.path.empty() ? key : parent.path + "." + key;
  v.entries.emplace_back("plugin", Value::scalar(plugin, v.where, v.path + ".plugin"));
  return v;
}

// A plugin section: the map under `key`, or {plugin: default_plugin} when absent or empty.
Value section_or_default(const Params& params, const std::string& key,
                         const std::string& default_plugin) {
  const Value& v = params.value(key);
  if (v.kind == Value::Kind::Map && !v.entries.empty()) return v;
  return plugin_default(params.resolved(), key, default_plugin);
}

PluginUse resolve(const PluginRegistry& registry, PluginKind kind, const Value& section) {
  auto [entry, params] = registry.resolve(kind, section);
  return PluginUse{entry, std::move(params)};
}

// flow.block: a section ({plugin: realnvp} when absent or empty), or a non-empty list of them.
std::vector<PluginUse> resolve_blocks(const PluginRegistry& registry, const Params& flow) {
  const Value& given = flow.value("block");
  if (given.kind != Value::Kind::List)
    return {resolve(registry, PluginKind::Bijector, section_or_default(flow, "block", "realnvp"))};
  if (given.items.empty())
    throw ConfigError(given.where, given.path,
                      "expected a block section or a non-empty list of them, got an empty list");
  std::vector<PluginUse> out;
  for (const Value& item : given.items)
    out.push_back(resolve(registry, PluginKind::Bijector, item));
  return out;
}

Value resolved_blocks(const PipelineSpec& spec) {
  if (spec.blocks.size() == 1 && spec.flow->value("block").kind != Value::Kind::List)
    return spec.blocks.front().params.resolved();
  Value list = spec.flow->value("block");
  for (std::size_t k = 0; k < spec.blocks.size(); ++k)
    list.items[k] = spec.blocks[k].params.resolved();
  return list;
}

Value with_entry(Value map, const std::string& key, Value v) {
  for (auto& [k, existing] : map.entries)
    if (k == key) {
      existing = std::move(v);
      return map;
    }
  map.entries.emplace_back(key, std::move(v));
  return map;
}

StageSpec parse_stage(const Value& item, const PluginRegistry& registry) {
  std::vector<std::string> kinds;
  for (const auto& k : stage_catalog()) kinds.push_back(k.name);
  if (item.kind != Value::Kind::Map || item.entries.size() != 1)
    throw ConfigError(
        item.where, item.path,
        fmt::format("expected one stage like `- train: {{...}}` (stages: {})", join(kinds)));
  const auto& [name, body] = item.entries.front();
  const StageKind* kind = find_stage(name);
  if (!kind) {
    const std::string guess = nearest(name, kinds);
    throw ConfigError(item.where, item.path + "." + name,
                      fmt::format("unknown stage \"{}\"{}; stages: {}", name,
                                  guess.empty() ? "" : fmt::format("; did you mean \"{}\"?", guess),
                                  join(kinds)));
  }
  Value filled = body;
  if (filled.kind == Value::Kind::Null) filled.kind = Value::Kind::Map;
  for (const auto& section : kind->plugin_sections) {
    const Value* given = body.find(section.key);
    // Absent, null or {} takes the default; anything else (a list too) is the user's to check.
    const bool given_something = given && given->kind != Value::Kind::Null &&
                                 !(given->kind == Value::Kind::Map && given->entries.empty());
    if (section.default_yaml.empty() || given_something) continue;
    Value d = parse_yaml(section.default_yaml, "(default)");
    assign_paths(d, filled.path + "." + section.key);
    filled = with_entry(std::move(filled), section.key, std::move(d));
  }
  std::vector<std::string> lists;  // list-valued sections: checked item by item below
  for (const auto& section : kind->plugin_sections)
    if (const Value* given = filled.find(section.key);
        section.list && given && given->kind == Value::Kind::List)
      lists.push_back(section.key);
  Params params = Params::validate(kind->schema, filled, fmt::format("stage {}", name), lists);
  StageSpec stage{name, params, {}, item.where};
  for (const auto& section : kind->plugin_sections) {
    const Value& value = params.value(section.key);
    if (value.kind != Value::Kind::List) {
      stage.plugins.emplace_back(section.key, resolve(registry, section.kind, value));
      continue;
    }
    if (value.items.empty())
      throw ConfigError(value.where, value.path,
                        fmt::format("expected a {} section or a non-empty list of them, got an "
                                    "empty list",
                                    section.key));
    for (const Value& entry : value.items)
      stage.plugins.emplace_back(section.key, resolve(registry, section.kind, entry));
  }
  if (kind->check) kind->check(stage);
  return stage;
}

// The stage's body as the run directory records it: each plugin section (or list of them) with
// its defaults filled in.
Value resolved_stage(const StageSpec& stage) {
  Value body = stage.params.resolved();
  for (const auto& [key, use] : stage.plugins) {
    if (stage.params.value(key).kind != Value::Kind::List) {
      body = with_entry(std::move(body), key, use.params.resolved());
      continue;
    }
    Value list = stage.params.value(key);
    const auto uses = stage.plugins_of(key);
    for (std::size_t k = 0; k < uses.size(); ++k) list.items[k] = uses[k]->params.resolved();
    body = with_entry(std::move(body), key, std::move(list));
  }
  return body;
}

// flow.shared was a boolean before it named the sharing. Its spellings (true, yes, False, …) mean
// layer and block, and the resolved configuration names which, so the config.yaml of a run made
// before compares equal to a pipeline that leaves the key out.
Value canonical_flow(Value flow) {
  for (auto& [key, value] : flow.entries)
    if (key == "shared")
      if (const auto shared = parse_boolean(value)) value.text = *shared ? "layer" : "block";
  return flow;
}

}  // namespace

const PluginUse& StageSpec::plugin(std::string_view key) const {
  for (const auto& [k, use] : plugins)
    if (k == key) return use;
  throw std::logic_error(fmt::format("stage {} has no plugin section {}", kind, key));
}

std::vector<const PluginUse*> StageSpec::plugins_of(std::string_view key) const {
  std::vector<const PluginUse*> out;
  for (const auto& [k, use] : plugins)
    if (k == key) out.push_back(&use);
  return out;
}

PipelineSpec validate_pipeline(Value raw, const std::filesystem::path& file,
                               const PluginRegistry& registry) {
  if (raw.kind != Value::Kind::Map)
    throw ConfigError(raw.where.line ? raw.where : Location{file.string(), 1, 1}, "",
                      "a pipeline must be a YAML map with name, target and stages");
  const Params top =
      Params::validate(pipeline_schema(), raw, "the pipeline", {"stages", "variants"});

  PipelineSpec spec;
  spec.file = file;
  spec.raw = raw;
  spec.name = plain_name(top);
  spec.seed = static_cast<std::uint64_t>(top.integer("seed"));
  spec.target = resolve(registry, PluginKind::Target, top.value("target"));
  spec.prior = resolve(registry, PluginKind::Prior, section_or_default(top, "prior", "gaussian"));
  spec.flow = Params::validate(flow_schema(), canonical_flow(top.value("flow")), "flow", {"block"});
  spec.blocks = resolve_blocks(registry, *spec.flow);

  const Value* stages = raw.find("stages");
  if (!stages || stages->kind != Value::Kind::List || stages->items.empty())
    throw ConfigError(stages ? stages->where : raw.where, "stages",
                      "expected a non-empty list of stages, e.g. `stages: [{train: {...}}]`");
  for (const auto& item : stages->items) spec.stages.push_back(parse_stage(item, registry));

  spec.variants = expand_variants(top, raw.find("variants"));

  Value resolved = top.resolved();
  resolved = with_entry(std::move(resolved), "target", spec.target->params.resolved());
  resolved = with_entry(std::move(resolved), "prior", spec.prior->params.resolved());
  resolved = with_entry(std::move(resolved), "flow",
                        with_entry(spec.flow->resolved(), "block", resolved_blocks(spec)));
  Value stage_list = *stages;
  for (std::size_t i = 0; i < spec.stages.size(); ++i)
    stage_list.items[i].entries.front().second = resolved_stage(spec.stages[i]);
  resolved = with_entry(std::move(resolved), "stages", std::move(stage_list));
  if (const Value* variants = raw.find("variants"))
    resolved = with_entry(std::move(resolved), "variants", *variants);
  spec.resolved = std::move(resolved);

  // Each variant must itself be a valid pipeline, so a typo in the last variant fails up front.
  for (const auto& v : spec.variants) validate_pipeline(variant_tree(spec, v), file, registry);
  return spec;
}

bool has_variants(const Value& config) {
  const Value* sweep = config.find("sweep");
  const Value* seeds = config.find("seeds");
  // `seeds: 01` is one seed, as the validator reads it.
  return config.find("variants") || (sweep && !sweep->entries.empty()) ||
         (seeds && parse_integer(*seeds).value_or(1) != 1);
}

Value variant_tree(const PipelineSpec& spec, const VariantSpec& v) {
  Value tree = spec.raw;
  for (const auto& [key, value] : v.overrides.entries) set_path(tree, key, value, value.where);
  std::erase_if(tree.entries, [](const auto& e) {
    return e.first == "variants" || e.first == "sweep" || e.first == "seeds";
  });
  return tree;
}

namespace {

// `key` or a key inside it: a --set of stages.0.train also decides stages.0.train.epochs.
bool decided_by(std::string_view key, std::string_view set_key) {
  return key == set_key || (key.starts_with(set_key) && key[set_key.size()] == '.');
}

// A --set outranks the file's variants and sweep: `--variant L-32 --set stages.0.train.epochs=20`
// runs 20 epochs although L-32 sets 150. The key leaves every variant's set and the sweep, so
// config.yaml records what ran.
void drop_keys_set_on_command_line(Value& raw, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) {
    const std::string_view key = std::string_view(o).substr(0, o.find('='));
    const auto decided = [&](const auto& entry) { return decided_by(entry.first, key); };
    for (auto& [name, section] : raw.entries) {
      if (name == "sweep") std::erase_if(section.entries, decided);
      if (name != "variants") continue;
      for (Value& variant : section.items)
        for (auto& [field, sets] : variant.entries)
          if (field == "set") std::erase_if(sets.entries, decided);
    }
  }
}

}  // namespace

void apply_command_line_overrides(Value& raw, const std::vector<std::string>& overrides) {
  for (const auto& o : overrides) apply_override(raw, o);
  drop_keys_set_on_command_line(raw, overrides);
}

PipelineSpec load_pipeline(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides,
                           const PluginRegistry& registry) {
  Value raw = load_yaml_file(file);
  apply_command_line_overrides(raw, overrides);
  return validate_pipeline(std::move(raw), file, registry);
}

}  // namespace neuralrg
