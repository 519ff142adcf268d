// Minimal JSON writing helpers (our outputs are small and flat).
#pragma once

#include <string>
#include <string_view>

namespace neuralrg {

/// `s` as a quoted JSON string with escapes.
std::string json_string(std::string_view s);

}  // namespace neuralrg
