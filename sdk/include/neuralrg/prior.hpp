// Prior: the latent density p(z) the flow starts from.
#pragma once

#include <cstdint>
#include <vector>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/rng.hpp"

namespace neuralrg {

/// What the host tells a prior factory: the latent sites and the scale each was set aside at.
struct PriorContext {
  Index sites = 0;              ///< Number of latent variables per sample.
  std::vector<int> site_scale;  ///< Level ℓ at which each site became latent (0 = finest).
  int scales = 0;               ///< Number of distinct levels.
  std::uint64_t seed = 0;       ///< Seed for initial parameters, if any.
};

/// A density over latent variables, sampled by reparameterisation: z = reparameterize(ε) with
/// ε from noise(), so gradients reach the prior's own parameters.
///
/// A plugin implements sites() and do_log_prob(), and overrides do_reparameterize() and
/// parameters() if it learns anything. The public methods check that inputs have sites() columns
/// and that results have the documented shapes, throwing std::invalid_argument that names both.
class Prior {
 public:
  virtual ~Prior() = default;
  /// Number of latent variables per sample (PriorContext::sites).
  virtual Index sites() const = 0;
  /// Trainable tensors (empty for a fixed prior).
  virtual std::vector<Parameter*> parameters() { return {}; }
  /// Fills eps (rows × sites) with standard normal base noise.
  void noise(Rng& rng, MatrixMap eps) const;
  /// Maps base noise (rows × sites) to latent samples of the same shape.
  Var reparameterize(Var eps) const;
  /// ln p(z) per row (rows×1).
  Var log_prob(Var z) const;

 protected:
  /// reparameterize() with the width checked; the identity unless the prior learns a shape.
  virtual Var do_reparameterize(Var eps) const { return eps; }
  /// log_prob() with the width checked.
  virtual Var do_log_prob(Var z) const = 0;
};

}  // namespace neuralrg
