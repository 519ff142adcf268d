// Exact results plugin authors can compare against (implemented in the core library).
#pragma once

#include <cmath>
#include <optional>

namespace neuralrg::exact {

/// The critical coupling of the square-lattice Ising model, β_c = ln(1 + √2)/2.
inline const double kIsingBetaCritical = 0.5 * std::log(1.0 + std::sqrt(2.0));

/// ln Z of the Ising model Z = Σ_s exp(β Σ_<ij> s_i s_j) on the periodic L×L torus (L ≥ 3), from
/// Kaufman's finite-lattice solution, evaluated in logs so it stays finite for L up to 512 and
/// beyond; valid on both sides of the critical point.
double ising2d_log_partition(int L, double beta);

/// The nearest-neighbour correlation ⟨s_i s_j⟩ per bond = (1/2N) ∂ ln Z/∂β on the periodic L×L
/// torus, from Kaufman's ln Z by a Richardson-extrapolated central difference (relative accuracy
/// about 1e-9 near β_c).
double ising2d_energy_per_bond(int L, double beta);

/// Exact thermal averages of the Ising model on the periodic L×L torus by enumerating all
/// 2^(L·L) states: only for L·L ≤ 20 (L = 3 or 4). Throws std::invalid_argument otherwise.
struct IsingAverages {
  double log_z;              ///< ln Z
  double structure_factor;   ///< ⟨(Σ s_i)²⟩ / N²
  double energy_per_bond;    ///< ⟨s_i s_j⟩ over nearest-neighbour bonds
  double abs_magnetization;  ///< ⟨|Σ s_i|⟩ / N
};
IsingAverages ising2d_enumerate(int L, double beta);

/// The smallest eigenvalue of K = β·A for the periodic L×L nearest-neighbour adjacency A.
double ising2d_coupling_min_eigenvalue(int L, double beta);

/// The continuous dual of the Ising model (Li & Wang, Eq. 7):
///   E(x) = ½ xᵀ (K + aI)⁻¹ x − Σ_i ln cosh x_i,
///   −ln Z_dual = −ln Z_Ising − ½ ln det(K + aI) + (N/2)[ln(2/π) − a].
struct IsingDual {
  double offset;        ///< a
  double log_z_ising;   ///< ln Z_Ising
  double half_log_det;  ///< ½ ln det(K + aI)
  double free_energy;   ///< −ln Z_dual (whole lattice)
};

/// The exact dual free energy; offset defaults to 0.1 − λ_min(K). Throws std::invalid_argument if
/// K + aI is not positive definite or L < 3.
IsingDual ising2d_dual(int L, double beta, std::optional<double> offset = std::nullopt);

}  // namespace neuralrg::exact
