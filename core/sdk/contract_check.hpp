// The checks the SDK's base classes run around every plugin call: shapes and finiteness, each
// failure a std::invalid_argument naming the method and what it expected.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

#include "neuralrg/types.hpp"

namespace neuralrg::detail {

[[noreturn]] inline void contract_error(std::string_view method, std::string_view what) {
  throw std::invalid_argument(fmt::format("{}: {}", method, what));
}

/// An input must have `cols` columns (the plugin's declared width).
inline void require_input_cols(std::string_view method, std::string_view declared, Index got_rows,
                               Index got_cols, Index cols) {
  if (got_cols != cols)
    contract_error(method, fmt::format("expected an input with {} columns ({}), got {}×{}", cols,
                                       declared, got_rows, got_cols));
}

/// A result must be rows×cols.
inline void require_result_shape(std::string_view method, std::string_view what, Index got_rows,
                                 Index got_cols, Index rows, Index cols) {
  if (got_rows != rows || got_cols != cols)
    contract_error(method, fmt::format("returned {} of {}×{}; expected {}×{}", what, got_rows,
                                       got_cols, rows, cols));
}

}  // namespace neuralrg::detail
