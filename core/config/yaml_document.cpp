#include "config/yaml_document.hpp"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace neuralrg {
namespace {

std::string child_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

// YAML::Node graphs share aliased subtrees (and may contain cycles); Values own their children,
// so converting expands every alias. The expansion is bounded here, before it can exhaust the
// stack or memory.
class Converter {
 public:
  explicit Converter(std::string source) : source_(std::move(source)) {}

  Value convert(const YAML::Node& node, const std::string& path, int depth) {
    Value v;
    v.where = located(node.Mark());
    v.path = path;
    if (depth > kMaxYamlDepth)
      throw ConfigError(v.where, path,
                        fmt::format("nested too deeply (limit {} levels; an alias used inside "
                                    "its own anchor nests forever)",
                                    kMaxYamlDepth));
    charge(v.where, path, node.IsScalar() ? node.Scalar().size() : 0);
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        v.kind = Value::Kind::Null;
        break;
      case YAML::NodeType::Scalar:
        v.kind = Value::Kind::Scalar;
        v.text = node.Scalar();
        v.quoted = node.Tag() == "!";  // yaml-cpp tags non-plain (quoted) scalars "!"
        break;
      case YAML::NodeType::Sequence:
        v.kind = Value::Kind::List;
        for (std::size_t i = 0; i < node.size(); ++i)
          v.items.push_back(convert(node[i], fmt::format("{}[{}]", path, i), depth + 1));
        break;
      case YAML::NodeType::Map:
        v.kind = Value::Kind::Map;
        for (const auto& entry : node) {
          const std::string key = entry.first.Scalar();
          if (v.find(key))
            throw ConfigError(located(entry.first.Mark()), child_path(path, key), "duplicate key");
          v.entries.emplace_back(key, convert(entry.second, child_path(path, key), depth + 1));
        }
        break;
    }
    return v;
  }

 private:
  Location located(const YAML::Mark& mark) const {
    return Location{source_, mark.line + 1, mark.column + 1};
  }

  void charge(const Location& where, const std::string& path, std::size_t text_bytes) {
    bytes_ += path.size() + text_bytes;
    if (++nodes_ > kMaxYamlNodes)
      throw ConfigError(where, path,
                        fmt::format("the document expands to more than {} values (repeated "
                                    "aliases?)",
                                    kMaxYamlNodes));
    if (bytes_ > kMaxYamlBytes)
      throw ConfigError(where, path,
                        fmt::format("the document expands to more than {} MiB of text (repeated "
                                    "aliases?)",
                                    kMaxYamlBytes >> 20));
  }

  std::string source_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
};

void emit(YAML::Emitter& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      out << YAML::Null;
      break;
    case Value::Kind::Scalar:
      if (v.quoted) out << YAML::DoubleQuoted;
      out << v.text;
      break;
    case Value::Kind::List:
      // [20, 20] stays on one line; a list of sections (the stages) gets a block each.
      if (std::all_of(v.items.begin(), v.items.end(),
                      [](const Value& item) { return item.kind == Value::Kind::Scalar; }))
        out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& item : v.items) emit(out, item);
      out << YAML::EndSeq;
      break;
    case Value::Kind::Map:
      out << YAML::BeginMap;
      for (const auto& [key, value] : v.entries) {
        out << YAML::Key << key << YAML::Value;
        emit(out, value);
      }
      out << YAML::EndMap;
      break;
  }
}

}  // namespace

// yaml-cpp reports syntax errors with the position of the problem. Its parser stops nesting
// (DeepRecursion, a few hundred levels) with the message "bad file": that is our depth limit too.
// It also accepts a quoted scalar left open when the text ends in a newline (reading on to the
// end), while without the final newline it reports the missing quote; trailing newlines mean
// nothing in a pipeline, so they are dropped.
Value parse_yaml(const std::string& text, const std::string& source) {
  const std::size_t end = text.find_last_not_of("\r\n");
  try {
    return Converter(source).convert(
        YAML::Load(end == std::string::npos ? std::string() : text.substr(0, end + 1)), "", 0);
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError(Location{source, e.mark.line + 1, e.mark.column + 1}, "",
                      fmt::format("nested too deeply (limit {} levels)", kMaxYamlDepth));
  } catch (const YAML::Exception& e) {
    throw ConfigError(Location{source, e.mark.line + 1, e.mark.column + 1}, "",
                      fmt::format("YAML syntax error: {}", e.msg));
  }
}

Value load_yaml_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec))
    throw ConfigError(Location{file.string(), 0, 0}, "", "no such pipeline file");
  if (std::filesystem::is_directory(file, ec))
    throw ConfigError(Location{file.string(), 0, 0}, "", "is a directory, not a pipeline file");
  // A device or a pipe could be read forever (/dev/zero) or block forever (a FIFO with no writer).
  if (!std::filesystem::is_regular_file(file, ec))
    throw ConfigError(Location{file.string(), 0, 0}, "", "is not a regular file");
  constexpr std::uintmax_t kMaxPipelineBytes = 16u << 20;
  if (const auto size = std::filesystem::file_size(file, ec); !ec && size > kMaxPipelineBytes)
    throw ConfigError(
        Location{file.string(), 0, 0}, "",
        fmt::format("is {} bytes; a pipeline file may have at most {}", size, kMaxPipelineBytes));
  std::ifstream in(file);
  if (!in) throw ConfigError(Location{file.string(), 0, 0}, "", "cannot read pipeline file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw ConfigError(Location{file.string(), 0, 0}, "", "cannot read pipeline file");
  return parse_yaml(buffer.str(), file.string());
}

void assign_paths(Value& v, const std::string& path) {
  v.path = path;
  for (std::size_t i = 0; i < v.items.size(); ++i)
    assign_paths(v.items[i], fmt::format("{}[{}]", path, i));
  for (auto& [key, child] : v.entries) assign_paths(child, child_path(path, key));
}

void set_path(Value& root, const std::string& key, Value replacement, const Location& where) {
  auto relocate = [&](auto&& self, Value& v) -> void {
    v.where = where;
    for (auto& item : v.items) self(self, item);
    for (auto& entry : v.entries) self(self, entry.second);
  };
  relocate(relocate, replacement);

  Value* node = &root;
  std::string path;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty()) throw ConfigError(where, key, "empty component in key path");
    if (node->kind == Value::Kind::List) {
      // Numeric components address list items: stages.0.train.epochs
      std::size_t index = 0;
      auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc{} || ptr != part.data() + part.size() || index >= node->items.size())
        throw ConfigError(where, path,
                          fmt::format("\"{}\" is not an index of this list of {} items", part,
                                      node->items.size()));
      path = fmt::format("{}[{}]", path, index);
      node = &node->items[index];
    } else {
      path = child_path(path, part);
      if (node->kind == Value::Kind::Null) node->kind = Value::Kind::Map;
      if (node->kind != Value::Kind::Map)
        throw ConfigError(where, path, "cannot set a key inside a value that is not a map");
      Value* child = nullptr;
      for (auto& entry : node->entries)
        if (entry.first == part) child = &entry.second;
      if (!child) {
        node->entries.emplace_back(part, Value{});
        child = &node->entries.back().second;
        child->where = where;
        child->path = path;  // so that an unknown key's message can name it
      }
      node = child;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  *node = std::move(replacement);
  assign_paths(*node, path);
}

void apply_override(Value& root, std::string_view assignment) {
  const Location where{fmt::format("--set {}", assignment), 0, 0};
  const auto eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0)
    throw ConfigError(where, "", "expected key=value, e.g. --set flow.block.couplings=6");
  const std::string key(assignment.substr(0, eq));
  const std::string text(assignment.substr(eq + 1));
  Value replacement;
  try {
    replacement = Converter(where.file).convert(YAML::Load(text), "", 0);
  } catch (const YAML::Exception& e) {
    throw ConfigError(where, key, fmt::format("value is not valid YAML: {}", e.msg));
  }
  set_path(root, key, std::move(replacement), where);
}

std::string to_yaml(const Value& root) {
  YAML::Emitter out;
  emit(out, root);
  return std::string(out.c_str()) + "\n";
}

}  // namespace neuralrg
