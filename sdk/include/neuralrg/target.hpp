// Target: the unnormalised physical density π(x) = exp(−E(x)) a flow learns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/rng.hpp"

namespace neuralrg {

/// A quantity the target can estimate per sample, with its exact value when known.
struct Observable {
  std::string name;             ///< Column name in observables.csv, e.g. "structure_factor".
  std::string doc;              ///< One line: what it is and which estimator.
  std::optional<double> exact;  ///< Exact expectation, when the target knows it.
};

/// How reports draw a configuration: a per-site value in [lo, hi] with a colour-bar label.
struct Picture {
  std::string label = "x";  ///< e.g. "P(s = +1 | x)".
  double lo = -3, hi = 3;   ///< Colour range.
};

/// What the host tells a target factory (reserved for future fields).
struct TargetContext {};

/// An energy on a periodic lattice. Sites are numbered row-major: site (i, j) of an L×L lattice
/// is column i·L + j of x.
class Target {
 public:
  virtual ~Target() = default;
  /// Lattice extent per dimension: {L, L} for 2D, {L} for a chain.
  virtual std::vector<Index> lattice() const = 0;
  /// E(x) per row (rows×1), built on x's tape so gradients reach x and anything before it.
  virtual Var energy(Var x) const = 0;
  /// The exact free energy −ln Z (whole lattice), when known.
  virtual std::optional<double> exact_free_energy() const { return std::nullopt; }
  /// The observables measure() estimates, in column order.
  virtual std::vector<Observable> observables() const { return {}; }
  /// Per-sample estimates: out is rows × observables().size(). `rng` serves estimators that
  /// draw (e.g. spins given x); it is the stream of this chunk of samples.
  virtual void measure(const Matrix& x, Rng& rng, Matrix& out) const {
    (void)x;
    (void)rng;
    out.resize(x.rows(), 0);
  }
  /// Maps configurations (rows of x) to what a picture of them shows, e.g. spin-up
  /// probabilities; by default the field itself.
  virtual Picture picture(const Matrix& x, Matrix& out) const {
    out = x;
    return {};
  }
};

}  // namespace neuralrg
