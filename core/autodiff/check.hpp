// Shape checks that stay on in release builds: a wrong shape is a user error, not an assertion.
#pragma once

#include <fmt/format.h>

#include <stdexcept>

#include "neuralrg/autodiff.hpp"

namespace neuralrg::detail {

[[noreturn]] inline void shape_error(const char* op, const char* what, Var a, Var b) {
  throw std::invalid_argument(fmt::format("{}: {}: first operand is {}×{}, second is {}×{}", op,
                                          what, a.rows(), a.cols(), b.rows(), b.cols()));
}

[[noreturn]] inline void shape_error(const char* op, const std::string& what) {
  throw std::invalid_argument(fmt::format("{}: {}", op, what));
}

inline void require_var(const char* op, Var v) {
  if (!v) shape_error(op, "operand is an empty Var");
}

}  // namespace neuralrg::detail
