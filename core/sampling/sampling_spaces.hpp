// The spaces samplers move in: latent z with U(z) = E(g(z)) − ln|det ∂g/∂z|, or physical x
// with E(x). Energies and gradients come from the tape with the flow's parameters frozen.
#pragma once

#include "flow/flow.hpp"
#include "neuralrg/sampler.hpp"
#include "neuralrg/target.hpp"

namespace neuralrg {

/// A sampling space as the host runs chains in it: besides what a sampler sees, how a state
/// becomes a physical configuration (for measurements and pictures).
class ChainSpace : public SamplingSpace {
 public:
  /// x (rows × sites) of the states (rows × dim()).
  virtual void to_physical(const Matrix& state, Matrix& x) const = 0;
  /// The states (rows × dim()) whose configurations are x: to_physical's inverse.
  virtual void from_physical(const Matrix& x, Matrix& state) const = 0;
  /// The log density propose() would have given each row of state (rows × 1), so that chains
  /// started elsewhere than from a proposal can still take independence moves.
  virtual void proposal_log_density(const Matrix& state, Matrix& log_proposal) const = 0;
};

class LatentSpace final : public ChainSpace {
 public:
  LatentSpace(const Flow& flow, const Target& target) : flow_(flow), target_(target) {}
  std::string_view name() const override { return "latent"; }
  Index dim() const override { return flow_.sites(); }
  void energy(const Matrix& z, Matrix& energy, Matrix* grad) const override;
  /// Draws z from the prior; log_proposal = ln p(z).
  void propose(Rng& rng, Matrix& z, Matrix& log_proposal) const override;
  /// x = g(z).
  void to_physical(const Matrix& z, Matrix& x) const override;
  /// z = g⁻¹(x).
  void from_physical(const Matrix& x, Matrix& z) const override;
  /// ln p(z).
  void proposal_log_density(const Matrix& z, Matrix& log_proposal) const override;

 private:
  const Flow& flow_;
  const Target& target_;
};

class PhysicalSpace final : public ChainSpace {
 public:
  PhysicalSpace(const Flow& flow, const Target& target) : flow_(flow), target_(target) {}
  std::string_view name() const override { return "physical"; }
  Index dim() const override { return flow_.sites(); }
  void energy(const Matrix& x, Matrix& energy, Matrix* grad) const override;
  /// Draws x from the flow (symmetrised if the flow is); log_proposal = ln q(x).
  void propose(Rng& rng, Matrix& x, Matrix& log_proposal) const override;
  /// The states are configurations already.
  void to_physical(const Matrix& x, Matrix& out) const override { out = x; }
  void from_physical(const Matrix& x, Matrix& out) const override { out = x; }
  /// ln q(x) (symmetrised if the flow is).
  void proposal_log_density(const Matrix& x, Matrix& log_proposal) const override;

 private:
  const Flow& flow_;
  const Target& target_;
};

}  // namespace neuralrg
