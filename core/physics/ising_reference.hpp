// Independent checks of the exact Ising solution: brute-force enumeration and a row transfer
// matrix, with the exact observables the samplers are tested against.
#pragma once

namespace neuralrg::physics {

/// Exact thermal averages on the periodic L×L lattice by enumerating all 2^(L·L) states.
struct IsingEnumeration {
  double log_z;               ///< ln Z
  double structure_factor;    ///< ⟨(Σ s_i)²⟩ / N²
  double energy_per_bond;     ///< ⟨s_i s_j⟩ over nearest-neighbour bonds
  double abs_magnetization;   ///< ⟨|Σ s_i|⟩ / N
};

/// L·L ≤ 20 (the cost is 2^(L·L)); L ≥ 3 so that no bond is doubled by the periodic wrap.
IsingEnumeration ising_enumerate(int L, double beta);

/// ln Z from the eigenvalues of the 2^L × 2^L row transfer matrix (3 ≤ L ≤ 10).
double ising_log_z_transfer_matrix(int L, double beta);

}  // namespace neuralrg::physics
