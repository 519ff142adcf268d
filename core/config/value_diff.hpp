// Differences between two configuration trees, for refusing a resume with another config.
#pragma once

#include <string>
#include <vector>

#include "neuralrg/params.hpp"

namespace neuralrg {

/// "path: was X, now Y" for every leaf that differs (added and removed keys included).
std::vector<std::string> differences(const Value& before, const Value& after);

}  // namespace neuralrg
