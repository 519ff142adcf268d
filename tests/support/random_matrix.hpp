// Seeded random test matrices.
#pragma once

#include "neuralrg/rng.hpp"

namespace neuralrg::test {

inline Matrix random_matrix(Index rows, Index cols, std::uint64_t seed, double scale = 1.0) {
  Matrix m(rows, cols);
  Rng rng(seed);
  rng.fill_normal(m);
  return scale * m;
}

}  // namespace neuralrg::test
