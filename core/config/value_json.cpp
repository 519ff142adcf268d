#include "config/value_json.hpp"

#include <cmath>

#include "config/scalar_parse.hpp"

namespace neuralrg {

namespace {

Json scalar_json(const Value& v) {
  if (v.quoted) return v.text;
  // Only the canonical spellings: a name such as `yes` is text unless a schema says otherwise.
  if (v.text == "true" || v.text == "false") return v.text == "true";
  if (const auto i = parse_integer(v)) return *i;
  // inf and nan are valid YAML reals but not JSON numbers: keep their text.
  if (const auto x = parse_real(v); x && std::isfinite(*x)) return *x;
  return v.text;
}

}  // namespace

Json to_json(const Value& v) {
  switch (v.kind) {
    case Value::Kind::Null:
      return nullptr;
    case Value::Kind::Scalar:
      return scalar_json(v);
    case Value::Kind::List: {
      Json list = Json::array();
      for (const auto& item : v.items) list.push_back(to_json(item));
      return list;
    }
    case Value::Kind::Map: {
      Json map = Json::object();
      for (const auto& [key, value] : v.entries) map[key] = to_json(value);
      return map;
    }
  }
  return nullptr;
}

}  // namespace neuralrg
