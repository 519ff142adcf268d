// "Did you mean ...?" for unknown keys and names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neuralrg {

/// The candidate closest to `word` by edit distance, or "" if none is plausibly a typo.
std::string nearest(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b, c" for messages.
std::string join(const std::vector<std::string>& words, std::string_view separator = ", ");

}  // namespace neuralrg
