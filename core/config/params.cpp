// The SDK's typed, located parameter access (declared in neuralrg/params.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "config/scalar_parse.hpp"
#include "config/suggest.hpp"
#include "neuralrg/params.hpp"

namespace neuralrg {

std::string Location::str() const {
  if (line <= 0) return file;
  return fmt::format("{}:{}:{}", file, line, column);
}

ConfigError::ConfigError(Location where, std::string path, const std::string& message)
    : std::runtime_error(
          fmt::format("{}: {}{}{}", where.str(), path, path.empty() ? "" : ": ", message)),
      where_(std::move(where)),
      path_(std::move(path)),
      message_(message) {}

const Value* Value::find(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k == key) return &v;
  return nullptr;
}

Value::Value() = default;
Value::~Value() = default;
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;

Value Value::scalar(std::string text, Location where, std::string path, bool quoted) {
  Value v;
  v.kind = Kind::Scalar;
  v.text = std::move(text);
  v.quoted = quoted;
  v.where = std::move(where);
  v.path = std::move(path);
  return v;
}

std::string_view to_string(ParamType type) {
  switch (type) {
    case ParamType::Integer:
      return "integer";
    case ParamType::Real:
      return "real";
    case ParamType::Boolean:
      return "boolean";
    case ParamType::Text:
      return "text";
    case ParamType::Choice:
      return "choice";
    case ParamType::IntegerList:
      return "integer list";
    case ParamType::RealList:
      return "real list";
    case ParamType::Map:
      return "map";
  }
  return "?";
}

namespace {

std::string bound_phrase(const ParamSpec& s, std::string_view noun, std::string_view plural) {
  const bool integer = s.type == ParamType::Integer || s.type == ParamType::IntegerList;
  const bool list = s.type == ParamType::IntegerList || s.type == ParamType::RealList;
  const std::string_view n = list ? plural : noun;
  const std::string article = list ? "" : (noun[0] == 'i' ? "an " : "a ");
  if (s.min && s.max) return fmt::format("{}{} in [{}, {}]", article, n, *s.min, *s.max);
  if (s.min && integer && *s.min == 1) return fmt::format("{}positive {}", list ? "" : "a ", n);
  if (s.min && *s.min == 0) return fmt::format("{}non-negative {}", list ? "" : "a ", n);
  if (s.min) return fmt::format("{}{} ≥ {}", article, n, *s.min);
  if (s.max) return fmt::format("{}{} ≤ {}", article, n, *s.max);
  return fmt::format("{}{}", article, n);
}

std::string describe_found(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return "nothing";
    case Value::Kind::Scalar:
      return fmt::format("\"{}\"", v.text);
    case Value::Kind::List:
      return "a list";
    case Value::Kind::Map:
      return "a map";
  }
  return "?";
}

bool in_bounds(const ParamSpec& s, double x) {
  return (!s.min || x >= *s.min) && (!s.max || x <= *s.max);
}

bool is_keyword(const ParamSpec& s, const Value& v) {
  if (v.kind != Value::Kind::Scalar) return false;
  for (const auto& w : s.choices)
    if (w == v.text) return true;
  return false;
}

bool scalar_ok(const ParamSpec& s, const Value& v) {
  if (v.kind != Value::Kind::Scalar) return false;
  switch (s.type) {
    case ParamType::Integer:
    case ParamType::IntegerList: {
      const auto x = parse_integer(v);
      return x && in_bounds(s, static_cast<double>(*x));
    }
    case ParamType::Real:
    case ParamType::RealList: {
      if (s.type == ParamType::Real && is_keyword(s, v)) return true;
      const auto x = parse_real(v);
      return x && in_bounds(s, *x);
    }
    case ParamType::Boolean:
      return parse_boolean(v).has_value();
    case ParamType::Text:
      return true;
    case ParamType::Choice:
      return is_keyword(s, v);
    case ParamType::Map:
      return false;
  }
  return false;
}

Value default_value(const ParamSpec& s, const std::string& path) {
  const Location where{"(default)", 0, 0};
  if (s.type == ParamType::Map) {
    Value v;
    v.kind = Value::Kind::Map;
    v.where = where;
    v.path = path;
    return v;
  }
  if (s.type == ParamType::IntegerList || s.type == ParamType::RealList) {
    Value v;
    v.kind = Value::Kind::List;
    v.where = where;
    v.path = path;
    std::string text = *s.default_text;
    std::string item;
    for (char c : text) {
      if (c == '[' || c == ' ') continue;
      if (c == ',' || c == ']') {
        if (!item.empty()) v.items.push_back(Value::scalar(item, where, path));
        item.clear();
      } else {
        item += c;
      }
    }
    return v;
  }
  return Value::scalar(*s.default_text, where, path);
}

}  // namespace

std::string ParamSpec::expectation() const {
  switch (type) {
    case ParamType::Integer:
      return bound_phrase(*this, "integer", "integers");
    case ParamType::Real: {
      std::string e = bound_phrase(*this, "number", "numbers");
      if (!choices.empty()) e += " or one of: " + join(choices);
      return e;
    }
    case ParamType::Boolean:
      return "true or false";
    case ParamType::Text:
      return "a text";
    case ParamType::Choice:
      return "one of: " + join(choices);
    case ParamType::IntegerList:
      return "a list of " + bound_phrase(*this, "integer", "integers");
    case ParamType::RealList:
      return "a list of " + bound_phrase(*this, "number", "numbers");
    case ParamType::Map:
      return "a map";
  }
  return "?";
}

ParamSpec& Schema::add(ParamSpec spec) {
  specs_.push_back(std::move(spec));
  return specs_.back();
}

ParamSpec& Schema::integer(std::string name, std::optional<long long> def, std::string doc) {
  ParamSpec s{std::move(name), ParamType::Integer, std::nullopt, {}, {}, {}, std::move(doc)};
  if (def) s.default_text = std::to_string(*def);
  return add(std::move(s));
}

ParamSpec& Schema::real(std::string name, std::optional<double> def, std::string doc) {
  ParamSpec s{std::move(name), ParamType::Real, std::nullopt, {}, {}, {}, std::move(doc)};
  if (def) s.default_text = fmt::format("{}", *def);
  return add(std::move(s));
}

ParamSpec& Schema::boolean(std::string name, std::optional<bool> def, std::string doc) {
  ParamSpec s{std::move(name), ParamType::Boolean, std::nullopt, {}, {}, {}, std::move(doc)};
  if (def) s.default_text = *def ? "true" : "false";
  return add(std::move(s));
}

ParamSpec& Schema::text(std::string name, std::optional<std::string> def, std::string doc) {
  return add({std::move(name), ParamType::Text, std::move(def), {}, {}, {}, std::move(doc)});
}

ParamSpec& Schema::choice(std::string name, std::string def, std::vector<std::string> choices,
                          std::string doc) {
  return add({std::move(name),
              ParamType::Choice,
              std::move(def),
              {},
              {},
              std::move(choices),
              std::move(doc)});
}

ParamSpec& Schema::integers(std::string name, std::optional<std::vector<long long>> def,
                            std::string doc) {
  ParamSpec s{std::move(name), ParamType::IntegerList, std::nullopt, {}, {}, {}, std::move(doc)};
  if (def) s.default_text = fmt::format("[{}]", fmt::join(*def, ", "));
  return add(std::move(s));
}

ParamSpec& Schema::reals(std::string name, std::optional<std::vector<double>> def,
                         std::string doc) {
  ParamSpec s{std::move(name), ParamType::RealList, std::nullopt, {}, {}, {}, std::move(doc)};
  if (def) s.default_text = fmt::format("[{}]", fmt::join(*def, ", "));
  return add(std::move(s));
}

ParamSpec& Schema::map(std::string name, bool required, std::string doc) {
  ParamSpec s{std::move(name), ParamType::Map, std::nullopt, {}, {}, {}, std::move(doc)};
  if (!required) s.default_text = "{}";
  return add(std::move(s));
}

const ParamSpec* Schema::find(std::string_view name) const {
  for (const auto& s : specs_)
    if (s.name == name) return &s;
  return nullptr;
}

Params Params::validate(const Schema& schema, const Value& map, std::string_view owner,
                        const std::vector<std::string>& ignored) {
  if (map.kind != Value::Kind::Map && map.kind != Value::Kind::Null)
    throw ConfigError(
        map.where, map.path,
        fmt::format("expected a map of {} parameters, got {}", owner, describe_found(map)));
  std::vector<std::string> valid;
  for (const auto& s : schema.specs()) valid.push_back(s.name);

  Value out;
  out.kind = Value::Kind::Map;
  out.where = map.where;
  out.path = map.path;
  for (const auto& [key, value] : map.entries) {
    if (std::find(ignored.begin(), ignored.end(), key) != ignored.end()) {
      out.entries.emplace_back(key, value);
      continue;
    }
    const ParamSpec* spec = schema.find(key);
    if (!spec) {
      const std::string guess = nearest(key, valid);
      throw ConfigError(
          value.where, value.path,
          fmt::format("unknown key for {}{}; valid keys: {}", owner,
                      guess.empty() ? "" : fmt::format("; did you mean \"{}\"?", guess),
                      join(valid)));
    }
    bool ok = false;
    if (spec->type == ParamType::Map) {
      ok = value.kind == Value::Kind::Map || value.kind == Value::Kind::Null;
    } else if (spec->type == ParamType::IntegerList || spec->type == ParamType::RealList) {
      ok = value.kind == Value::Kind::List;
      for (const auto& item : value.items) {
        if (!scalar_ok(*spec, item))
          throw ConfigError(item.where, value.path,
                            fmt::format("expected {}, got {} in the list", spec->expectation(),
                                        describe_found(item)));
      }
    } else {
      ok = scalar_ok(*spec, value);
    }
    if (!ok)
      throw ConfigError(
          value.where, value.path,
          fmt::format("expected {}, got {}", spec->expectation(), describe_found(value)));
    out.entries.emplace_back(key, value);
  }
  for (const auto& spec : schema.specs()) {
    if (out.find(spec.name)) continue;
    const std::string path = map.path.empty() ? spec.name : map.path + "." + spec.name;
    if (!spec.default_text)
      throw ConfigError(
          map.where, path,
          fmt::format("missing required key for {} ({}: {})", owner, spec.expectation(), spec.doc));
    out.entries.emplace_back(spec.name, default_value(spec, path));
  }
  return Params(std::move(out), std::string(owner));
}

const Value& Params::value(std::string_view key) const {
  const Value* v = map_.find(key);
  if (!v)
    throw ConfigError(map_.where, map_.path,
                      fmt::format("{} read undeclared parameter \"{}\"", owner_, key));
  return *v;
}

ConfigError Params::error(std::string_view key, const std::string& message) const {
  const Value& v = value(key);
  return ConfigError(v.where, v.path, message);
}

long long Params::integer(std::string_view key) const {
  const Value& v = value(key);
  if (auto x = parse_integer(v)) return *x;
  throw ConfigError(v.where, v.path, fmt::format("expected an integer, got {}", describe_found(v)));
}

double Params::real(std::string_view key) const {
  const Value& v = value(key);
  if (auto x = parse_real(v)) return *x;
  throw ConfigError(v.where, v.path, fmt::format("expected a number, got {}", describe_found(v)));
}

bool Params::boolean(std::string_view key) const {
  const Value& v = value(key);
  if (auto x = parse_boolean(v)) return *x;
  throw ConfigError(v.where, v.path,
                    fmt::format("expected true or false, got {}", describe_found(v)));
}

const std::string& Params::text(std::string_view key) const {
  const Value& v = value(key);
  if (v.kind != Value::Kind::Scalar)
    throw ConfigError(v.where, v.path, fmt::format("expected a text, got {}", describe_found(v)));
  return v.text;
}

bool Params::is_keyword(std::string_view key) const {
  const Value& v = value(key);
  return v.kind == Value::Kind::Scalar && !parse_real(v).has_value();
}

std::vector<long long> Params::integers(std::string_view key) const {
  const Value& v = value(key);
  std::vector<long long> out;
  for (const auto& item : v.items) {
    auto x = parse_integer(item);
    if (!x) throw ConfigError(item.where, v.path, "expected an integer");
    out.push_back(*x);
  }
  return out;
}

std::vector<double> Params::reals(std::string_view key) const {
  const Value& v = value(key);
  std::vector<double> out;
  for (const auto& item : v.items) {
    auto x = parse_real(item);
    if (!x) throw ConfigError(item.where, v.path, "expected a number");
    out.push_back(*x);
  }
  return out;
}

}  // namespace neuralrg
