// The conformance check of a bijector plugin: invertibility, log-dets against the numerical
// Jacobian, gradients, and the row independence the host's tiling relies on.
#pragma once

#include <Eigen/LU>
#include <cstdint>
#include <string>
#include <vector>

#include "neuralrg/bijector.hpp"
#include "neuralrg/testing/gradients.hpp"

namespace neuralrg::testing {

/// Settings of the bijector conformance check.
struct BijectorCheck {
  Index rows = 3;            ///< Samples per check (each row is one block input).
  double input_scale = 1.0;  ///< Standard deviation of the random inputs.
  /// Max |inverse(forward(z)) − z|, and the other way round.
  double round_trip = kDoubleScalar ? 1e-10 : 1e-4;
  /// Max |log-det − ln|det J_numerical||.
  double log_det = kDoubleScalar ? 1e-6 : 1e-2;
  /// Finite-difference settings for gradients.
  Tolerance gradient = kDoubleScalar ? Tolerance{1e-6, 1e-5} : Tolerance{};
  std::uint64_t seed = 3;
};

/// Adds normal noise of standard deviation `scale` to every parameter: blocks that start as the
/// identity (zero scales, zeroed output layers) pass every check trivially until perturbed.
inline void perturb(const std::vector<Parameter*>& params, double scale, std::uint64_t seed = 7) {
  Rng rng(seed);
  for (Parameter* p : params)
    for (Index i = 0; i < p->value.size(); ++i)
      p->value.data()[i] += static_cast<Scalar>(scale * rng.normal());
}

namespace detail {

inline const char* direction(bool inverse) {
  return inverse ? "inverse" : "forward";
}

inline Matrix apply(const Bijector& b, const Matrix& in, bool inverse) {
  Tape t;
  Var v = t.constant(in);
  return (inverse ? b.inverse(v) : b.forward(v)).value.value();
}

inline Matrix log_det_of(const Bijector& b, const Matrix& in, bool inverse) {
  Tape t;
  Var v = t.constant(in);
  return (inverse ? b.inverse(v) : b.forward(v)).log_det.value();
}

inline double max_abs(const Matrix& m) {
  return m.size() ? m.cwiseAbs().maxCoeff() : 0.0;
}

inline void check_round_trips(Report& r, const Bijector& b, const Matrix& z, const Matrix& x,
                              const BijectorCheck& opt) {
  const double there_and_back = max_abs(apply(b, x, true) - z);
  if (!(there_and_back <= opt.round_trip))
    fail(r, "inverse(forward(z)) differs from z by " + num(there_and_back));
  const double back_and_there = max_abs(apply(b, apply(b, x, true), false) - x);
  if (!(back_and_there <= opt.round_trip))
    fail(r, "forward(inverse(x)) differs from x by " + num(back_and_there));
  const double cancel = max_abs(log_det_of(b, z, false) + log_det_of(b, x, true));
  if (!(cancel <= opt.round_trip))
    fail(r, "forward and inverse log-dets do not cancel: " + num(cancel));
}

// ln|det J| of one row's map by central differences, column by column.
inline double numerical_log_det(const Bijector& b, const Matrix& row, bool inverse,
                                const Tolerance& tol) {
  const Index w = row.cols();
  Matrix jac(w, w), probe = row;
  for (Index j = 0; j < w; ++j) {
    const Scalar saved = probe(0, j);
    probe(0, j) = saved + static_cast<Scalar>(tol.epsilon);
    const Matrix up = apply(b, probe, inverse);
    probe(0, j) = saved - static_cast<Scalar>(tol.epsilon);
    const Matrix down = apply(b, probe, inverse);
    probe(0, j) = saved;
    jac.col(j) = (up - down).transpose() / static_cast<Scalar>(central_step(saved, tol.epsilon));
  }
  return std::log(std::abs(static_cast<double>(jac.determinant())));
}

inline void check_log_dets(Report& r, const Bijector& b, const Matrix& point, bool inverse,
                           const BijectorCheck& opt) {
  const Matrix log_det = log_det_of(b, point, inverse);
  for (Index row = 0; row < point.rows(); ++row) {
    const double numeric = numerical_log_det(b, point.row(row), inverse, opt.gradient);
    const double err = std::abs(log_det(row, 0) - numeric);
    if (!(err <= r.max_error)) r.max_error = err;
    if (!(err <= opt.log_det))
      fail(r, std::string(direction(inverse)) + " log-det of row " + std::to_string(row) + " is " +
                  num(log_det(row, 0)) + ", the numerical Jacobian gives " + num(numeric));
  }
}

inline void check_gradients(Report& r, Bijector& b, const Matrix& point, bool inverse,
                            const BijectorCheck& opt) {
  auto both = [&b, inverse](Var v) {
    Transformed out = inverse ? b.inverse(v) : b.forward(v);
    return concat_cols(out.value, out.log_det);
  };
  const Report g = check_input_gradient(both, point, opt.gradient, opt.seed + 10);
  if (!g.ok) fail(r, std::string(direction(inverse)) + " input gradient: " + g.message);
  const Report p = check_parameter_gradient([&](Tape& t) { return both(t.constant(point)); },
                                            b.parameters(), opt.gradient, opt.seed + 20);
  if (!p.ok) fail(r, std::string(direction(inverse)) + " parameter gradient: " + p.message);
}

// The host evaluates a layer's rows in tiles and reruns a tile's pass for its backward pass.
inline void check_rows_independent(Report& r, const Bijector& b, const Matrix& point, bool inverse,
                                   const BijectorCheck& opt) {
  const Matrix batch = apply(b, point, inverse);
  const double repeat = max_abs(apply(b, point, inverse) - batch);
  if (!(repeat <= opt.round_trip))
    fail(r, std::string(direction(inverse)) + ": two passes on the same input differ by " +
                num(repeat));
  for (Index row = 0; row < point.rows(); ++row) {
    const double alone = max_abs(apply(b, point.row(row), inverse) - batch.row(row));
    if (!(alone <= opt.round_trip))
      fail(r, std::string(direction(inverse)) + ": row " + std::to_string(row) +
                  " evaluated alone differs by " + num(alone) +
                  " from the batch (rows must not depend on other rows)");
  }
}

}  // namespace detail

/// The conformance check every bijector plugin should pass:
///   1. inverse(forward(z)) ≈ z and forward(inverse(x)) ≈ x, and the two log-dets cancel;
///   2. each direction's log-det equals ln|det J| of the finite-difference Jacobian;
///   3. input and parameter gradients of outputs and log-dets match finite differences;
///   4. each output row is what that row gives alone, and a second pass repeats the first.
/// (Input widths and result shapes are checked by Bijector::forward/inverse on every call.)
/// Returns the first failure in `message`; `warning` says when the block is the identity at its
/// current parameters, where 1–2 hold trivially: perturb() them first.
inline Report check_bijector(Bijector& b, const BijectorCheck& opt = {}) {
  Report report;
  Matrix z(opt.rows, b.width());
  Rng rng(opt.seed);
  rng.fill_normal(z);
  z *= static_cast<Scalar>(opt.input_scale);
  const Matrix x = detail::apply(b, z, false);
  const double rounding = kDoubleScalar ? 1e-12 : 1e-5;  // an identity up to rounding
  if (detail::max_abs(x - z) <= rounding &&
      detail::max_abs(detail::log_det_of(b, z, false)) <= rounding)
    report.warning =
        "the bijector is the identity at its current parameters, so invertibility and log-dets "
        "hold trivially: call testing::perturb(b.parameters(), 0.1) before checking";
  detail::check_round_trips(report, b, z, x, opt);
  for (bool inverse : {false, true}) {
    const Matrix& point = inverse ? x : z;
    detail::check_log_dets(report, b, point, inverse, opt);
    detail::check_gradients(report, b, point, inverse, opt);
    detail::check_rows_independent(report, b, point, inverse, opt);
  }
  return report;
}

}  // namespace neuralrg::testing
