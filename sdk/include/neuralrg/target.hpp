// Target: the unnormalised physical density π(x) = exp(−E(x)) a flow learns.
#pragma once

#include <mutex>
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
///
/// A plugin implements lattice() and do_energy(), and optionally observables() with
/// do_measure(), do_picture() and exact_free_energy(). The public methods check shapes and, for
/// measure(), that every declared column was filled with a finite value, throwing
/// std::invalid_argument that names the method and what was expected.
class Target {
 public:
  virtual ~Target() = default;
  /// Lattice extent per dimension: {L, L} for 2D, {L} for a chain.
  virtual std::vector<Index> lattice() const = 0;
  /// The exact free energy −ln Z (whole lattice), when known.
  virtual std::optional<double> exact_free_energy() const { return std::nullopt; }
  /// The observables measure() estimates, in column order (asked once per object: the list and
  /// its length must not change).
  virtual std::vector<Observable> observables() const { return {}; }

  /// Number of sites: the product of lattice().
  Index sites() const;
  /// E(x) per row (rows×1) for x of rows×sites(), on x's tape so gradients reach x.
  Var energy(Var x) const;
  /// Per-sample estimates: out becomes rows × observables().size(). `rng` serves estimators that
  /// draw (e.g. spins given x); it is the stream of this chunk of samples.
  void measure(const Matrix& x, Rng& rng, Matrix& out) const;
  /// Maps configurations (rows of x) to what a picture of them shows (same shape as x).
  Picture picture(const Matrix& x, Matrix& out) const;

 protected:
  /// energy() with x's width checked; must return rows×1 (one energy per sample, summed over
  /// sites — the check catches a forgotten row_sum).
  virtual Var do_energy(Var x) const = 0;
  /// measure() with out already sized rows × observables().size(): fill every entry.
  virtual void do_measure(const Matrix& x, Rng& rng, Matrix& out) const {
    (void)x;
    (void)rng;
    (void)out;
  }
  /// picture() with out already sized like x; by default the field itself.
  virtual Picture do_picture(const Matrix& x, Matrix& out) const {
    out = x;
    return {};
  }

 private:
  Index observable_count() const;
  mutable std::once_flag observable_count_once_;
  mutable Index observable_count_ = 0;
};

}  // namespace neuralrg
