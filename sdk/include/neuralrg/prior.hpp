// Prior: the latent density p(z) the flow starts from.
#pragma once

#include <cstdint>
#include <vector>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/rng.hpp"

namespace neuralrg {

/// What the host tells a prior factory: the latent sites and the scale each was set aside at.
struct PriorContext {
  Index sites = 0;               ///< Number of latent variables per sample.
  std::vector<int> site_scale;   ///< Level ℓ at which each site became latent (0 = finest).
  int scales = 0;                ///< Number of distinct levels.
  std::uint64_t seed = 0;        ///< Seed for initial parameters, if any.
};

/// A density over latent variables, sampled by reparameterisation: z = reparameterize(ε) with
/// ε from noise(), so gradients reach the prior's own parameters.
class Prior {
 public:
  virtual ~Prior() = default;
  /// Trainable tensors (empty for a fixed prior).
  virtual std::vector<Parameter*> parameters() { return {}; }
  /// Fills eps (rows × sites) with base noise; standard normal by default.
  virtual void noise(Rng& rng, MatrixMap eps) const {
    for (Index i = 0; i < eps.size(); ++i) eps.data()[i] = static_cast<Scalar>(rng.normal());
  }
  /// Maps base noise to latent samples (identity for a fixed standard normal).
  virtual Var reparameterize(Var eps) const { return eps; }
  /// ln p(z) per row (rows×1).
  virtual Var log_prob(Var z) const = 0;
};

}  // namespace neuralrg
