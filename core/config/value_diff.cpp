#include "config/value_diff.hpp"

#include <fmt/format.h>

#include "config/yaml_document.hpp"

namespace neuralrg {
namespace {

std::string brief(const Value* v) {
  if (!v) return "absent";
  if (v->kind == Value::Kind::Scalar) return v->text;
  std::string text = to_yaml(*v);
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

void walk(const Value* a, const Value* b, const std::string& path, std::vector<std::string>& out) {
  const bool maps = a && b && a->kind == Value::Kind::Map && b->kind == Value::Kind::Map;
  const bool lists = a && b && a->kind == Value::Kind::List && b->kind == Value::Kind::List &&
                     a->items.size() == b->items.size();
  if (maps) {
    for (const auto& [key, value] : a->entries)
      walk(&value, b->find(key), path.empty() ? key : path + "." + key, out);
    for (const auto& [key, value] : b->entries)
      if (!a->find(key)) walk(nullptr, &value, path.empty() ? key : path + "." + key, out);
    return;
  }
  if (lists) {
    for (std::size_t i = 0; i < a->items.size(); ++i)
      walk(&a->items[i], &b->items[i], fmt::format("{}[{}]", path, i), out);
    return;
  }
  const bool same = a && b && a->kind == b->kind && a->text == b->text &&
                    a->kind != Value::Kind::List && a->kind != Value::Kind::Map;
  if (!same) out.push_back(fmt::format("{}: was {}, now {}", path, brief(a), brief(b)));
}

}  // namespace

std::vector<std::string> differences(const Value& before, const Value& after) {
  std::vector<std::string> out;
  walk(&before, &after, "", out);
  return out;
}

}  // namespace neuralrg
