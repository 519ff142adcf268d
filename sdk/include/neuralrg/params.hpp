// Typed, located access to a plugin's (or stage's) YAML parameters.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace neuralrg {

/// Where a value came from: a file position (1-based line and column), or a description such as
/// "--set" or "default" when there is no file.
struct Location {
  std::string file;  ///< File path, or a description like "--set" when line is 0.
  int line = 0;      ///< 1-based line; 0 when the value did not come from a file.
  int column = 0;    ///< 1-based column.

  /// "file:line:col", or just `file` when the line is unknown.
  std::string str() const;
};

/// A configuration error. what() reads "file:line:col: dotted.key.path: message".
class ConfigError : public std::runtime_error {
 public:
  ConfigError(Location where, std::string path, const std::string& message);
  const Location& where() const { return where_; }   ///< Position of the offending value.
  const std::string& path() const { return path_; }  ///< Dotted key path, e.g. flow.block.hidden.
  const std::string& message() const { return message_; }  ///< The message without the prefix.

 private:
  Location where_;
  std::string path_;
  std::string message_;
};

/// A located configuration value: a YAML-like tree independent of any YAML library.
/// Scalars keep their source text; they are typed only when read against a schema.
struct Value {
  enum class Kind { Null, Scalar, List, Map };
  Kind kind = Kind::Null;
  std::string text;          ///< Scalar source text (unquoted content).
  bool quoted = false;       ///< True if the scalar was quoted in the source (so "10" is text).
  std::vector<Value> items;  ///< List elements.
  std::vector<std::pair<std::string, Value>> entries;  ///< Map entries in source order.
  Location where;                                      ///< Position of this value.
  std::string path;                                    ///< Dotted key path from the document root.

  // Out of line: a value holds pairs of itself, and Clang 14 with libstdc++ 12 instantiates
  // std::pair<std::string, Value> too early (while Value is incomplete) for implicit members.
  Value();
  ~Value();
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;

  /// The entry under `key` of a map, or nullptr.
  const Value* find(std::string_view key) const;
  /// A new scalar value.
  static Value scalar(std::string text, Location where, std::string path, bool quoted = false);
};

/// The type of a declared parameter.
enum class ParamType { Integer, Real, Boolean, Text, Choice, IntegerList, RealList, Map };

/// "integer", "real", ... as used in messages and generated docs.
std::string_view to_string(ParamType type);

/// One declared parameter: name, type, default, allowed range or choices, and a one-line doc.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Real;
  std::optional<std::string> default_text;  ///< YAML literal of the default; none = required.
  std::optional<double> min;                ///< Inclusive lower bound (numbers, list elements).
  std::optional<double> max;                ///< Inclusive upper bound.
  std::vector<std::string> choices;         ///< Allowed words: the values of a Choice, or words a
                                     ///< Real also accepts in place of a number ("critical").
  std::string doc;  ///< One line shown by `plugins --describe` and the docs.

  ParamSpec& range(std::optional<double> lo, std::optional<double> hi) {
    min = lo;
    max = hi;
    return *this;
  }
  /// Words accepted in place of a number, e.g. beta: critical.
  ParamSpec& keywords(std::vector<std::string> words) {
    choices = std::move(words);
    return *this;
  }
  /// What a valid value looks like, e.g. "a positive integer" or "one of: elu, tanh".
  std::string expectation() const;
};

/// The parameters a factory or stage accepts. Built with chained calls:
///   Schema s;
///   s.integer("couplings", 10, "affine coupling layers").range(1, 64);
class Schema {
 public:
  ParamSpec& integer(std::string name, std::optional<long long> def, std::string doc);
  ParamSpec& real(std::string name, std::optional<double> def, std::string doc);
  ParamSpec& boolean(std::string name, std::optional<bool> def, std::string doc);
  ParamSpec& text(std::string name, std::optional<std::string> def, std::string doc);
  ParamSpec& choice(std::string name, std::string def, std::vector<std::string> choices,
                    std::string doc);
  ParamSpec& integers(std::string name, std::optional<std::vector<long long>> def, std::string doc);
  ParamSpec& reals(std::string name, std::optional<std::vector<double>> def, std::string doc);
  /// A nested map checked by whoever reads it (e.g. an optimizer section of a stage).
  ParamSpec& map(std::string name, bool required, std::string doc);

  const std::vector<ParamSpec>& specs() const { return specs_; }
  const ParamSpec* find(std::string_view name) const;

 private:
  ParamSpec& add(ParamSpec spec);
  std::vector<ParamSpec> specs_;
};

/// A validated, typed view of one parameter map. Every declared key is present (defaults filled
/// in), so readers need no fallbacks. Any read error names the file, line, column and key path.
class Params {
 public:
  /// Checks `map` against `schema` and fills in defaults. `owner` names the plugin or stage in
  /// messages. Unknown keys are rejected with the nearest valid key suggested. `ignored` lists
  /// keys the caller handles itself (e.g. "plugin").
  static Params validate(const Schema& schema, const Value& map, std::string_view owner,
                         const std::vector<std::string>& ignored = {});

  long long integer(std::string_view key) const;
  double real(std::string_view key) const;
  bool boolean(std::string_view key) const;
  const std::string& text(std::string_view key) const;
  std::vector<long long> integers(std::string_view key) const;
  std::vector<double> reals(std::string_view key) const;
  /// True if a Real-with-keywords parameter holds one of its words rather than a number.
  bool is_keyword(std::string_view key) const;
  /// The raw located value (for nested maps and custom checks).
  const Value& value(std::string_view key) const;
  /// An error located at `key`'s value, for checks a schema cannot express.
  ConfigError error(std::string_view key, const std::string& message) const;

  const std::string& owner() const { return owner_; }
  /// The validated map with defaults filled in (what the run directory records).
  const Value& resolved() const { return map_; }

 private:
  Params(Value map, std::string owner) : map_(std::move(map)), owner_(std::move(owner)) {}
  Value map_;
  std::string owner_;
};

}  // namespace neuralrg
