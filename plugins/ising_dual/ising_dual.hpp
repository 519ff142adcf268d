// The continuous dual of the 2D Ising model (Li & Wang, Eq. 7) on the periodic L×L lattice:
//   E(x) = ½ xᵀ (K + aI)⁻¹ x − Σ_i ln cosh x_i,   K = β·A (nearest neighbours).
// It is the marginal of p(x, s) ∝ exp(−½ xᵀ(K + aI)⁻¹x + sᵀx) over Ising spins s: given x the
// spins are independent with E[s_i | x] = tanh x_i (the improved estimators), and given s,
// x ~ N((K + aI)s, K + aI) (what the cluster sampler uses).
#pragma once

#include <neuralrg/exact.hpp>
#include <neuralrg/neuralrg.hpp>

#include "coupling_power.hpp"

namespace ising_dual {

class IsingDual final : public neuralrg::Target {
 public:
  IsingDual(int L, double beta, neuralrg::exact::IsingDual dual)
      : L_(L), beta_(beta), dual_(dual), inverse_(L, beta, dual.offset, -1) {}

  std::vector<neuralrg::Index> lattice() const override { return {L_, L_}; }
  std::optional<double> exact_free_energy() const override { return dual_.free_energy; }
  std::vector<neuralrg::Observable> observables() const override;

  int L() const { return L_; }
  double beta() const { return beta_; }
  double offset() const { return dual_.offset; }

 private:
  neuralrg::Var do_energy(neuralrg::Var x) const override;
  neuralrg::Picture do_picture(const neuralrg::Matrix& x, neuralrg::Matrix& out) const override;
  void do_measure(const neuralrg::Matrix& x, neuralrg::Rng& rng,
                  neuralrg::Matrix& out) const override;

  int L_;
  double beta_;
  neuralrg::exact::IsingDual dual_;
  CouplingPower inverse_;
};

/// Adds the swendsen_wang sampler, which works on this target only.
void register_swendsen_wang(neuralrg::Registry& registry);

}  // namespace ising_dual
