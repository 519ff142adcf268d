// doctest wrapper around the SDK's finite-difference gradient check.
#pragma once

#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"

namespace neuralrg::test {

inline void require_gradient(const testing::InputFunction& f, const Matrix& x) {
  const auto report = testing::check_input_gradient(f, x);
  INFO(report.message);
  CHECK(report.ok);
}

}  // namespace neuralrg::test
