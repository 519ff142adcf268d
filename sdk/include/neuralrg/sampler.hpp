// Sampler: a Markov chain Monte Carlo move over a batch of chains.
#pragma once

#include <string_view>

#include "neuralrg/rng.hpp"
#include "neuralrg/types.hpp"

namespace neuralrg {

/// What the host offers a sampler: the space the chains live in (latent z with energy
/// U(z) = E(g(z)) − ln|det ∂g/∂z|, or physical x with energy E(x)), batched over chains.
class SamplingSpace {
 public:
  virtual ~SamplingSpace() = default;
  /// "latent" or "physical".
  virtual std::string_view name() const = 0;
  /// Number of variables per chain.
  virtual Index dim() const = 0;
  /// energy (rows×1) of each row of q and, if grad is not null, ∂energy/∂q (rows×dim).
  virtual void energy(const Matrix& q, Matrix& energy, Matrix* grad) const = 0;
  /// Fresh independent draws from the trained flow expressed in this space (q pre-sized
  /// rows×dim), with the log density of that proposal per row (rows×1).
  virtual void propose(Rng& rng, Matrix& q, Matrix& log_proposal) const = 0;
};

/// The chains of one chunk. The host initialises every field from propose() and energy().
struct ChainChunk {
  Matrix state;   ///< rows = chains, cols = dim.
  Matrix energy;  ///< rows×1, energy of state.
  /// rows×1, log proposal density of state. The host keeps it valid whenever an independence
  /// sampler's sweep starts (recomputing it after other samplers moved the chains), so samplers
  /// that do not propose from the flow may ignore it.
  Matrix log_proposal;
  Matrix accepted;  ///< rows×1, fraction of this sweep's moves each chain accepted.
  /// rows×dim, ∇energy at state, or empty. A gradient sampler may keep it to skip re-evaluating
  /// the gradient where the last trajectory ended (a tenth of a 10-step HMC trajectory); it is
  /// either empty or valid for every row, so a sampler that moves state without it clears it.
  Matrix gradient;
};

/// How a sampler moves its chains, which decides what chains that disagree (R̂ > 1.05) mean.
enum class MoveKind {
  /// Moves from the current state (HMC, random walk): a chain forgets its start slowly, so
  /// disagreeing chains mean the warm-up was too short.
  local,
  /// Fresh proposals from the flow, independent of the state: there is no start to forget, so
  /// disagreeing chains mean the flow misses part of π and the chains stick where it does. Such a
  /// sampler reads ChainChunk::log_proposal and keeps it up to date for the states it accepts.
  independence,
};

class Target;

/// What the host tells a sampler factory.
struct SamplerContext {
  /// The target the chains sample, as its plugin created it. Generic samplers need only the
  /// SamplingSpace; a sampler shipped with a target (e.g. a cluster algorithm that needs the
  /// model's couplings) downcasts it to its own type and refuses any other target.
  const Target* target = nullptr;
  /// The space the chains will live in ("latent" or "physical"), so a sampler that works in one
  /// space only can refuse the other before any sweep.
  std::string_view space;
};

/// A Markov move over chains in a space the host chooses (the sample stage's `space:` key), so a
/// sampler works in either space through SamplingSpace. A plugin implements do_sweep() and, if it
/// adapts, end_sweep(). do_sweep() runs concurrently on different chunks, so it must not modify the
/// sampler; adaptation happens in end_sweep(), which the host calls once per sweep, in order.
class Sampler {
 public:
  virtual ~Sampler() = default;
  /// One sweep of every chain in `chains`, leaving π invariant (outside warm-up adaptation).
  /// Checks afterwards that the chunk kept its shapes, with acceptances in [0, 1].
  void sweep(const SamplingSpace& space, ChainChunk& chains, Rng& rng) const;
  /// Mean acceptance of the sweep over all chains; adapt tuning only while `warmup` is true.
  virtual void end_sweep(double acceptance, bool warmup) {
    (void)acceptance;
    (void)warmup;
  }
  /// How this sampler moves; local unless it overrides this.
  virtual MoveKind move_kind() const { return MoveKind::local; }

 protected:
  /// sweep() before its checks.
  virtual void do_sweep(const SamplingSpace& space, ChainChunk& chains, Rng& rng) const = 0;
};

}  // namespace neuralrg
