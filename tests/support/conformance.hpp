// The conformance kit as the block tests use it: weights moved off their (often identity)
// initial values, and the kit's verdict as a doctest check.
#pragma once

#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"

namespace neuralrg::test {

// Moves every parameter away from its initial value (scale = 0 would make realnvp trivially
// volume preserving and hide log-det mistakes).
inline void perturb(Bijector& b, std::uint64_t seed, double amount = 0.3) {
  testing::perturb(b.parameters(), amount, seed);
}

inline void require_conformant(Bijector& b) {
  const auto report = testing::check_bijector(b);
  INFO(report.message);
  CHECK(report.ok);
}

}  // namespace neuralrg::test
