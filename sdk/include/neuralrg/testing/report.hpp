// What every conformance check returns, and the tolerances they share.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "neuralrg/types.hpp"

namespace neuralrg::testing {

/// The outcome of one check.
struct Report {
  bool ok = true;
  double max_error = 0;  ///< Largest error found, in the check's own measure.
  std::string message;   ///< Empty when ok; otherwise what failed and where.
  /// Not a failure, but a reason the check proved less than it seems (e.g. it ran at an
  /// identity initialisation, where invertibility and log-dets hold trivially).
  std::string warning;
};

/// True in the default build; false in a single-precision one (-DNEURALRG_SCALAR=float), where
/// central differences resolve only about three digits and the defaults below are looser.
inline constexpr bool kDoubleScalar = sizeof(Scalar) == 8;

/// Tolerances: |analytic − numeric| ≤ tolerance · (1 + |numeric|), with central differences of
/// step `epsilon`.
struct Tolerance {
  double epsilon = kDoubleScalar ? 1e-6 : 5e-3;
  double tolerance = kDoubleScalar ? 1e-6 : 5e-3;
};

namespace detail {

/// A number with enough digits to compare two nearly equal values in a message.
inline std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.12g", v);
  return buffer;
}

inline void fail(Report& r, const std::string& what) {
  if (r.ok) r.message = what;
  r.ok = false;
}

inline double projected(const Matrix& y, const Matrix& w) {
  return (y.cast<double>().array() * w.cast<double>().array()).sum();
}

// The step actually taken: saved ± epsilon rounds to the Scalar type, which matters in float.
inline double central_step(Scalar saved, double epsilon) {
  return static_cast<double>(static_cast<Scalar>(saved + epsilon)) -
         static_cast<double>(static_cast<Scalar>(saved - epsilon));
}

inline void compare(Report& r, double analytic, double numeric, const Tolerance& tol,
                    const std::string& where) {
  const double err = std::abs(analytic - numeric) / (1 + std::abs(numeric));
  if (!(err <= r.max_error)) r.max_error = err;  // NaN-safe: a NaN error propagates
  if (!(err <= tol.tolerance))
    fail(r, where + ": analytic " + num(analytic) + " vs finite difference " + num(numeric));
}

}  // namespace detail
}  // namespace neuralrg::testing
