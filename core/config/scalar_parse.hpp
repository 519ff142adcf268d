// Strict typing of YAML scalar text: "10" is an integer, "ten" is not, a quoted "10" is text.
#pragma once

#include <optional>

#include "neuralrg/params.hpp"

namespace neuralrg {

std::optional<long long> parse_integer(const Value& v);
std::optional<double> parse_real(const Value& v);
std::optional<bool> parse_boolean(const Value& v);

}  // namespace neuralrg
