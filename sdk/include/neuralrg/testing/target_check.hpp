// The conformance check of a target plugin: finite energies per sample, their gradient, row
// independence, and observables that are filled and reproducible.
#pragma once

#include <cstdint>
#include <string>

#include "neuralrg/target.hpp"
#include "neuralrg/testing/gradients.hpp"

namespace neuralrg::testing {

/// Settings of the target conformance check.
struct TargetCheck {
  Index rows = 3;            ///< Configurations per check.
  double input_scale = 1.0;  ///< Standard deviation of the random configurations.
  /// Max |E(batch)_r − E(row r alone)|, relative to 1 + |E|.
  double row_independence = kDoubleScalar ? 1e-10 : 1e-4;
  /// Finite-difference settings for ∂E/∂x (training and HMC use it).
  Tolerance gradient = kDoubleScalar ? Tolerance{1e-6, 1e-5} : Tolerance{};
  std::uint64_t seed = 4;
};

namespace detail {

inline Matrix energy_of(const Target& t, const Matrix& x) {
  Tape tape;
  return t.energy(tape.constant(x)).value();
}

inline void check_energies(Report& r, const Target& t, const Matrix& x, const TargetCheck& opt) {
  const Matrix e = energy_of(t, x);
  if (!e.allFinite()) fail(r, "energy is not finite at random configurations");
  for (Index row = 0; row < x.rows(); ++row) {
    const double alone = energy_of(t, x.row(row))(0, 0);
    const double err = std::abs(alone - e(row, 0)) / (1 + std::abs(alone));
    if (!(err <= opt.row_independence))
      fail(r, "energy of row " + std::to_string(row) + " alone is " + num(alone) +
                  ", in the batch " + num(e(row, 0)) + " (rows must not depend on other rows)");
  }
  const Report g =
      check_input_gradient([&t](Var v) { return t.energy(v); }, x, opt.gradient, opt.seed + 10);
  if (!g.ok) fail(r, "energy gradient: " + g.message);
  if (g.max_error > r.max_error) r.max_error = g.max_error;
}

inline void check_measure(Report& r, const Target& t, const Matrix& x, const TargetCheck& opt) {
  Matrix first, second, picture;
  Rng a = Rng::stream(opt.seed, "measure"), b = Rng::stream(opt.seed, "measure");
  t.measure(x, a, first);  // shapes and finiteness are checked by Target::measure
  t.measure(x, b, second);
  if (first.size() != 0 && !((first - second).cwiseAbs().maxCoeff() == 0))
    fail(r, "measure is not reproducible: the same rng stream gave other estimates");
  t.picture(x, picture);
}

}  // namespace detail

/// The conformance check every target plugin should pass:
///   1. energy() is finite at random configurations, and a row's energy does not depend on the
///      other rows of the batch;
///   2. ∂E/∂x matches finite differences (training and HMC differentiate through E);
///   3. measure() fills every declared observable with finite values (Target::measure checks this
///      on every call) and gives the same estimates from the same random stream;
///   4. picture() runs; exact_free_energy(), when given, is finite.
/// Returns the first failure in `message`.
inline Report check_target(const Target& t, const TargetCheck& opt = {}) {
  Report report;
  try {
    Matrix x(opt.rows, t.sites());
    Rng rng(opt.seed);
    rng.fill_normal(x);
    x *= static_cast<Scalar>(opt.input_scale);
    detail::check_energies(report, t, x, opt);
    detail::check_measure(report, t, x, opt);
    if (const auto f = t.exact_free_energy(); f && !std::isfinite(*f))
      detail::fail(report, "exact_free_energy() is " + detail::num(*f));
  } catch (const std::exception& e) {
    detail::fail(report, e.what());
  }
  return report;
}

}  // namespace neuralrg::testing
