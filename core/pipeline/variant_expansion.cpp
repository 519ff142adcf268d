#include "pipeline/variant_expansion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

namespace neuralrg {

namespace {

Value override_map(const Location& where, const std::string& path) {
  Value map;
  map.kind = Value::Kind::Map;
  map.where = where;
  map.path = path;
  return map;
}

// The `variants:` list as written, or one unnamed variant (the pipeline itself) without one.
std::vector<VariantSpec> listed_variants(const Value* variants, const Location& where) {
  if (!variants) return {VariantSpec{"", "", override_map(where, "variants")}};
  if (variants->kind != Value::Kind::List)
    throw ConfigError(variants->where, "variants",
                      "expected a list like `- {name: tree, set: {flow.layout: tree}}`");
  std::vector<VariantSpec> out;
  for (const auto& v : variants->items) {
    const Params p = Params::validate(variant_schema(), v, "a variant");
    const std::string name = plain_name(p);
    out.push_back({name, name, p.value("set")});
  }
  return out;
}

// "0.44" → "0.44"; a list or map value, or characters a directory name cannot have → its index.
std::string value_label(const Value& v, std::size_t index) {
  if (v.kind == Value::Kind::Scalar && is_plain_name(v.text)) return v.text;
  return std::to_string(index);
}

std::string leaf(const std::string& dotted) {
  const auto dot = dotted.rfind('.');
  return dot == std::string::npos ? dotted : dotted.substr(dot + 1);
}

std::string name_joined(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "_" + b;
}

// Keys that shape the expansion itself, or (with seeds) the seed each repeat is given: a sweep
// over them would silently be overridden or expand again.
void check_sweep_key(const std::string& key, const Value& values, long long seeds) {
  const std::string head = key.substr(0, key.find('.'));
  if (head == "sweep" || head == "seeds" || head == "variants" || head == "name")
    throw ConfigError(values.where, values.path,
                      fmt::format("`{}` cannot be swept: it shapes the expansion itself", key));
  if (key == "seed" && seeds > 1)
    throw ConfigError(values.where, values.path,
                      "`seed` cannot be swept together with `seeds:` (each repeat sets its own "
                      "seed); use one of the two");
  if (!is_plain_name(leaf(key)))
    throw ConfigError(values.where, values.path,
                      fmt::format("a sweep key names a parameter like `target.beta`; \"{}\" "
                                  "cannot be part of a run's directory name",
                                  key));
}

// Every combination of the sweep's lists, first key outermost, as (name, overrides).
std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> grid(
    const Value& sweep, long long seeds) {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> out{{"", {}}};
  for (const auto& [key, values] : sweep.entries) {
    check_sweep_key(key, values, seeds);
    if (values.kind != Value::Kind::List || values.items.empty())
      throw ConfigError(values.where, values.path,
                        fmt::format("expected a non-empty list of values for {}, e.g. "
                                    "`{}: [0.40, 0.44]`",
                                    key, key));
    decltype(out) next;
    for (const auto& [name, sets] : out)
      for (std::size_t i = 0; i < values.items.size(); ++i) {
        auto extended = sets;
        extended.emplace_back(key, values.items[i]);
        next.emplace_back(name_joined(name, leaf(key) + "-" + value_label(values.items[i], i)),
                          std::move(extended));
      }
    out = std::move(next);
  }
  return out;
}

// Every run is validated and its model built before anything runs: a grid of 10¹⁰ would hang
// the validation (or exhaust memory) long before it failed.
void check_run_count(const Params& top, const Value* variants) {
  const Value& sweep = top.value("sweep");
  double runs = static_cast<double>(top.integer("seeds")) *
                static_cast<double>(variants && variants->kind == Value::Kind::List
                                        ? std::max<std::size_t>(1, variants->items.size())
                                        : 1);
  for (const auto& [key, values] : sweep.entries)
    runs *= static_cast<double>(std::max<std::size_t>(1, values.items.size()));
  if (runs > static_cast<double>(kMaxRuns))
    throw ConfigError(sweep.entries.empty() ? top.value("seeds").where : sweep.where, "sweep",
                      fmt::format("variants × sweep × seeds make {:.0f} runs; at most {} are "
                                  "allowed in one pipeline (split it, or run parts with --set)",
                                  runs, kMaxRuns));
}

void check_no_seed_with_seeds(const VariantSpec& base, long long seeds) {
  if (seeds == 1) return;
  for (const auto& [key, value] : base.overrides.entries)
    if (key == "seed")
      throw ConfigError(value.where, value.path,
                        "a variant cannot set `seed` together with `seeds:` (each repeat sets "
                        "its own seed); use one of the two");
}

// Names become directory names (checked plain) and keys of the comparison (checked unique).
void check_run_names(const std::vector<VariantSpec>& runs, const Value& sweep) {
  std::set<std::string> names;
  for (const auto& v : runs) {
    if (!is_plain_name(v.name))
      throw ConfigError(sweep.entries.empty() ? v.overrides.where : sweep.where, "sweep",
                        fmt::format("the run name \"{}\" cannot name a directory (too long, "
                                    "or not letters, digits, '.', '_' and '-'): shorten the "
                                    "variant names or sweep fewer keys",
                                    v.name));
    if (!names.insert(v.name).second)
      throw ConfigError(v.overrides.where, "variants",
                        fmt::format("duplicate variant name \"{}\"", v.name));
  }
}

}  // namespace

std::vector<VariantSpec> expand_variants(const Params& top, const Value* variants) {
  const Value& sweep = top.value("sweep");
  const auto seeds = top.integer("seeds");
  const auto seed = static_cast<std::uint64_t>(top.integer("seed"));
  if (!variants && sweep.entries.empty() && seeds == 1) return {};
  check_run_count(top, variants);
  std::vector<VariantSpec> out;
  for (const auto& base : listed_variants(variants, top.value("seeds").where)) {
    check_no_seed_with_seeds(base, seeds);
    for (const auto& [point, sets] : grid(sweep, seeds)) {
      VariantSpec v{name_joined(base.name, point), "", base.overrides};
      if (v.name.empty()) v.name = top.text("name");
      for (const auto& [key, value] : sets) v.overrides.entries.emplace_back(key, value);
      v.group = v.name;
      for (long long k = 0; k < seeds; ++k) {
        VariantSpec repeat = v;
        if (seeds > 1) {
          const std::string s = std::to_string(seed + static_cast<std::uint64_t>(k));
          repeat.name = fmt::format("{}-seed{}", v.name, s);
          repeat.overrides.entries.emplace_back("seed",
                                                Value::scalar(s, v.overrides.where, "seed"));
        }
        out.push_back(std::move(repeat));
      }
    }
  }
  check_run_names(out, sweep);
  return out;
}

}  // namespace neuralrg
