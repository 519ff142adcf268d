// Bijector: an invertible block applied to rows of a fixed width (the blocks of one flow layer).
#pragma once

#include <cstdint>
#include <vector>

#include "neuralrg/autodiff.hpp"

namespace neuralrg {

/// What the host tells a bijector factory.
struct BijectorContext {
  Index width = 4;         ///< Inputs per row: 4 for 2×2 blocks, 2 for 1D chains.
  std::uint64_t seed = 0;  ///< Seed for this instance's initial weights and random masks.
};

/// An invertible map on rows of width() columns, applied to every block of a layer at once.
/// Naming follows TensorFlow Probability: forward is the generative direction z → x.
///
/// A plugin implements width(), parameters(), do_forward() and do_inverse(). The host calls the
/// public forward()/inverse(), which check the input has width() columns and that the result is
/// rows×width() with a rows×1 log-det, throwing std::invalid_argument that names the direction
/// and both shapes; so do_forward/do_inverse may assume the shapes are right.
///
/// Implementations must be safe to call concurrently from several threads (each thread uses its
/// own tape); they must not modify themselves in do_forward/do_inverse.
/// Each output row must depend on its own input row only, and a pass must be a deterministic
/// function of its input and parameters: the host evaluates a layer's rows in tiles on a scratch
/// tape and reruns a tile's pass to back-propagate through it (see docs/architecture.md).
class Bijector {
 public:
  virtual ~Bijector() = default;
  /// Number of columns each row must have.
  virtual Index width() const = 0;
  /// The trainable tensors (empty for a fixed map). Pointers stay valid for the object's life.
  virtual std::vector<Parameter*> parameters() = 0;
  /// Generative direction: x = f(z), with log|det ∂x/∂z| per row.
  Transformed forward(Var z) const;
  /// Inference direction: z = f⁻¹(x), with log|det ∂z/∂x| per row (the negative of forward's).
  Transformed inverse(Var x) const;

 protected:
  /// forward() with the input's width already checked.
  virtual Transformed do_forward(Var z) const = 0;
  /// inverse() with the input's width already checked.
  virtual Transformed do_inverse(Var x) const = 0;
};

}  // namespace neuralrg
