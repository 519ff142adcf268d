#include "config/scalar_parse.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace neuralrg {

std::optional<long long> parse_integer(const Value& v) {
  if (v.kind != Value::Kind::Scalar || v.quoted || v.text.empty()) return std::nullopt;
  const char* begin = v.text.data();
  const char* end = begin + v.text.size();
  if (*begin == '+') ++begin;
  long long x = 0;
  auto [ptr, ec] = std::from_chars(begin, end, x);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return x;
}

std::optional<double> parse_real(const Value& v) {
  if (v.kind != Value::Kind::Scalar || v.quoted || v.text.empty()) return std::nullopt;
  const char* begin = v.text.c_str();
  char* end = nullptr;
  const double x = std::strtod(begin, &end);
  if (end != begin + v.text.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::optional<bool> parse_boolean(const Value& v) {
  if (v.kind != Value::Kind::Scalar || v.quoted) return std::nullopt;
  if (v.text == "true" || v.text == "True" || v.text == "yes") return true;
  if (v.text == "false" || v.text == "False" || v.text == "no") return false;
  return std::nullopt;
}

}  // namespace neuralrg
