// Independent checks of the exact Ising solution: brute-force enumeration and a row transfer
// matrix, with the exact observables the samplers are tested against.
#pragma once

#include "neuralrg/exact.hpp"

namespace neuralrg::physics {

/// Exact thermal averages by enumeration (declared in the SDK as exact::ising2d_enumerate).
using IsingEnumeration = exact::IsingAverages;

/// L·L ≤ 20 (the cost is 2^(L·L)); L ≥ 3 so that no bond is doubled by the periodic wrap.
inline IsingEnumeration ising_enumerate(int L, double beta) {
  return exact::ising2d_enumerate(L, beta);
}

/// ln Z from the eigenvalues of the 2^L × 2^L row transfer matrix (3 ≤ L ≤ 10).
double ising_log_z_transfer_matrix(int L, double beta);

}  // namespace neuralrg::physics
