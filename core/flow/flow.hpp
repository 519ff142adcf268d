// Flow = prior + hierarchy: exact samples with their log density, and exact log densities.
#pragma once

#include <memory>

#include "flow/hierarchy.hpp"
#include "neuralrg/prior.hpp"

namespace neuralrg {

/// A batch of flow samples with ln q(x) per row.
struct FlowSample {
  Var x;
  Var log_q;
  Var z;  ///< The latent configuration the sample came from (before any sign flip).
};

class Flow {
 public:
  /// symmetrize_z2: q(x) = ½[q₀(x) + q₀(−x)], sampled by flipping each sample's sign with
  /// probability ½ (costs one extra inference pass per generative pass).
  Flow(std::unique_ptr<Prior> prior, std::unique_ptr<Hierarchy> hierarchy, bool symmetrize_z2);

  /// One generative pass for `rows` samples on `tape`, noise and sign flips drawn from `rng`.
  FlowSample sample(Tape& tape, Index rows, Rng& rng) const;
  /// ln q(x) per row (with the Z₂ symmetrisation when enabled).
  Var log_prob(Var x) const;
  /// z = g⁻¹(x) and log|det ∂z/∂x| per row (the bare hierarchy, no symmetrisation).
  Transformed inverse(Var x) const { return hierarchy_->inverse(x); }
  /// x = g(z) and log|det ∂x/∂z| per row.
  Transformed forward(Var z) const { return hierarchy_->forward(z); }
  /// ln p(z) per row.
  Var prior_log_prob(Var z) const { return prior_->log_prob(z); }
  /// ln ½[q₀(x) + q₀(−x)] per row from the bare flow's ln q₀ at x and at −x.
  static Var symmetrized_log_prob(Var bare_at_x, Var bare_at_minus_x);

  std::vector<Parameter*> parameters() const;
  /// The prior's own (the tail of parameters()).
  std::vector<Parameter*> prior_parameters() const { return prior_->parameters(); }
  const Hierarchy& hierarchy() const { return *hierarchy_; }
  const Prior& prior() const { return *prior_; }
  bool symmetrized() const { return z2_; }
  Index sites() const { return hierarchy_->plan().sites(); }

 private:
  Var bare_log_prob(Var x) const;

  std::unique_ptr<Prior> prior_;
  std::unique_ptr<Hierarchy> hierarchy_;
  bool z2_;
};

}  // namespace neuralrg
