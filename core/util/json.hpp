// JSON through nlohmann::json (Debian's nlohmann-json3-dev): escaping, Unicode and round-trip
// numbers are the library's job, not hand-written format strings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace neuralrg {

/// Keys stay in the order they were inserted, so files read top-down like their documentation.
using Json = nlohmann::ordered_json;

/// `j` as text indented by two spaces with a final newline. Non-finite numbers become null (JSON
/// has no NaN); invalid UTF-8 (a path on a Latin-1 file system) is replaced, never thrown.
std::string json_text(const Json& j);

}  // namespace neuralrg
