#include "pipeline/variant_expansion.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

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

std::string joined(const std::string& a, const std::string& b) {
  return a.empty() ? b : b.empty() ? a : a + "_" + b;
}

// Every combination of the sweep's lists, first key outermost, as (name, overrides).
std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> grid(
    const Value& sweep) {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, Value>>>> out{{"", {}}};
  for (const auto& [key, values] : sweep.entries) {
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
        next.emplace_back(joined(name, leaf(key) + "-" + value_label(values.items[i], i)),
                          std::move(extended));
      }
    out = std::move(next);
  }
  return out;
}

}  // namespace

std::vector<VariantSpec> expand_variants(const Params& top, const Value* variants) {
  const Value& sweep = top.value("sweep");
  const auto seeds = top.integer("seeds");
  const auto seed = static_cast<std::uint64_t>(top.integer("seed"));
  if (!variants && sweep.entries.empty() && seeds == 1) return {};
  std::vector<VariantSpec> out;
  for (const auto& base : listed_variants(variants, top.value("seeds").where))
    for (const auto& [point, sets] : grid(sweep)) {
      VariantSpec v{joined(base.name, point), "", base.overrides};
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
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (out[i].name == out[j].name)
        throw ConfigError(out[i].overrides.where, "variants",
                          fmt::format("duplicate variant name \"{}\"", out[i].name));
  return out;
}

}  // namespace neuralrg
