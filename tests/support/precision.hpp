// Tolerances of value comparisons are written for double. A float build
// (-DNEURALRG_SCALAR=float) rounds every operation about 5·10⁸ times more coarsely, so they scale
// with the Scalar's machine epsilon; in the default build they are used exactly as written.
// (Finite-difference checks take the SDK's precision-aware defaults instead.)
#pragma once

#include <limits>

#include "neuralrg/types.hpp"

namespace neuralrg::test {

constexpr double scaled(double double_tolerance) {
  return double_tolerance * (static_cast<double>(std::numeric_limits<Scalar>::epsilon()) /
                             std::numeric_limits<double>::epsilon());
}

}  // namespace neuralrg::test
