// Conformance checks for plugin authors: gradients against finite differences, and (for
// bijectors) invertibility, log-det against the numerical Jacobian and shape errors.
// Header-only; works with any test framework: each check returns a Report whose `ok` you assert
// and whose `message` says what failed.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include <Eigen/LU>
#include <exception>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/bijector.hpp"
#include "neuralrg/rng.hpp"

namespace neuralrg::testing {

/// The outcome of one check.
struct Report {
  bool ok = true;
  double max_error = 0;  ///< Largest error found, in the check's own measure.
  std::string message;   ///< Empty when ok; otherwise what failed and where.
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
  if (!(err <= tol.tolerance) && r.ok) {
    r.ok = false;
    r.message = where + ": analytic " + std::to_string(analytic) + " vs finite difference " +
                std::to_string(numeric);
  }
}

}  // namespace detail

/// A function of one input matrix, recorded on a tape.
using InputFunction = std::function<Var(Var x)>;

/// Checks ∂/∂x of Σ w ⊙ f(x) (w random, fixed) against central differences, entry by entry.
inline Report check_input_gradient(const InputFunction& f, const Matrix& x,
                                   const Tolerance& tol = {}, std::uint64_t seed = 1) {
  Report report;
  Tape tape;
  Var in = tape.input(x);
  Var out = f(in);
  Matrix w(out.rows(), out.cols());
  Rng rng(seed);
  rng.fill_normal(w);
  tape.backward(out, w);
  const Matrix analytic = in.adjoint();
  auto evaluate = [&](const Matrix& point) {
    Tape t;
    return detail::projected(f(t.constant(point)).value(), w);
  };
  Matrix probe = x;
  for (Index i = 0; i < x.rows(); ++i)
    for (Index j = 0; j < x.cols(); ++j) {
      const Scalar saved = probe(i, j);
      probe(i, j) = saved + tol.epsilon;
      const double up = evaluate(probe);
      probe(i, j) = saved - tol.epsilon;
      const double down = evaluate(probe);
      probe(i, j) = saved;
      detail::compare(report, analytic(i, j),
                      (up - down) / detail::central_step(saved, tol.epsilon), tol,
                      "d/dx(" + std::to_string(i) + "," + std::to_string(j) + ")");
    }
  return report;
}

/// A computation that reads parameters from the tape it is given.
using ParameterFunction = std::function<Var(Tape& tape)>;

/// Checks ∂/∂θ of Σ w ⊙ f for every entry of every parameter against central differences.
inline Report check_parameter_gradient(const ParameterFunction& f,
                                       const std::vector<Parameter*>& params,
                                       const Tolerance& tol = {}, std::uint64_t seed = 2) {
  Report report;
  Tape tape;
  Var out = f(tape);
  Matrix w(out.rows(), out.cols());
  Rng rng(seed);
  rng.fill_normal(w);
  tape.backward(out, w);
  std::vector<Matrix> analytic;
  for (Parameter* p : params) {
    auto g = tape.param_grad(*p);
    analytic.push_back(g ? Matrix(*g) : Matrix::Zero(p->value.rows(), p->value.cols()));
  }
  auto evaluate = [&] {
    Tape t;
    return detail::projected(f(t).value(), w);
  };
  for (std::size_t k = 0; k < params.size(); ++k) {
    Matrix& v = params[k]->value;
    for (Index i = 0; i < v.rows(); ++i)
      for (Index j = 0; j < v.cols(); ++j) {
        const Scalar saved = v(i, j);
        v(i, j) = saved + tol.epsilon;
        const double up = evaluate();
        v(i, j) = saved - tol.epsilon;
        const double down = evaluate();
        v(i, j) = saved;
        detail::compare(report, analytic[k](i, j),
                        (up - down) / detail::central_step(saved, tol.epsilon), tol,
                        params[k]->name + "(" + std::to_string(i) + "," + std::to_string(j) + ")");
      }
  }
  return report;
}

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

namespace detail {

inline void fail(Report& r, const std::string& what) {
  if (r.ok) r.message = what;
  r.ok = false;
}

inline Matrix forward_value(const Bijector& b, const Matrix& z, bool inverse) {
  Tape t;
  Var in = t.constant(z);
  return (inverse ? b.inverse(in) : b.forward(in)).value.value();
}

}  // namespace detail

/// The conformance check every bijector plugin should pass:
///   1. it accepts width() columns and rejects another width with std::invalid_argument;
///   2. inverse(forward(z)) ≈ z and forward(inverse(x)) ≈ x;
///   3. the forward and inverse log-dets of a round trip sum to zero;
///   4. each direction's log-det equals ln|det J| of the finite-difference Jacobian;
///   5. input and parameter gradients of outputs and log-dets match finite differences;
///   6. each output row is what that row gives alone, and a second pass repeats the first (the
///      host evaluates layers in row tiles and reruns a tile's pass in the backward pass).
/// Returns the first failure in `message`.
inline Report check_bijector(Bijector& b, const BijectorCheck& opt = {}) {
  Report report;
  const Index w = b.width();
  Matrix z(opt.rows, w);
  Rng rng(opt.seed);
  rng.fill_normal(z);
  z *= opt.input_scale;

  try {
    Tape t;
    b.forward(t.constant(Matrix::Zero(opt.rows, w + 1)));
    detail::fail(report, "forward accepted " + std::to_string(w + 1) + " columns; width() is " +
                             std::to_string(w));
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).empty()) detail::fail(report, "shape error without a message");
  }

  Tape tape;
  Transformed fwd = b.forward(tape.constant(z));
  if (fwd.value.rows() != opt.rows || fwd.value.cols() != w || fwd.log_det.rows() != opt.rows ||
      fwd.log_det.cols() != 1) {
    detail::fail(report, "forward returned the wrong shapes");
    return report;
  }
  Transformed back = b.inverse(fwd.value);
  const double round = (back.value.value() - z).cwiseAbs().maxCoeff();
  if (!(round <= opt.round_trip))
    detail::fail(report, "inverse(forward(z)) differs from z by " + std::to_string(round));
  const Matrix x = fwd.value.value();
  const double other = (detail::forward_value(b, detail::forward_value(b, x, true), false) - x)
                           .cwiseAbs()
                           .maxCoeff();
  if (!(other <= opt.round_trip))
    detail::fail(report, "forward(inverse(x)) differs from x by " + std::to_string(other));
  const double cancel = (fwd.log_det.value() + back.log_det.value()).cwiseAbs().maxCoeff();
  if (!(cancel <= opt.round_trip))
    detail::fail(report, "forward and inverse log-dets do not cancel: " + std::to_string(cancel));

  for (bool inverse : {false, true}) {
    const Matrix& point = inverse ? x : z;
    Tape t;
    Transformed out = inverse ? b.inverse(t.constant(point)) : b.forward(t.constant(point));
    for (Index r = 0; r < opt.rows; ++r) {
      Matrix jac(w, w);
      Matrix probe = point.row(r);
      for (Index j = 0; j < w; ++j) {
        const Scalar saved = probe(0, j);
        probe(0, j) = saved + opt.gradient.epsilon;
        const Matrix up = detail::forward_value(b, probe, inverse);
        probe(0, j) = saved - opt.gradient.epsilon;
        const Matrix down = detail::forward_value(b, probe, inverse);
        probe(0, j) = saved;
        jac.col(j) = (up - down).transpose() /
                     static_cast<Scalar>(detail::central_step(saved, opt.gradient.epsilon));
      }
      const double numeric = std::log(std::abs(jac.determinant()));
      const double err = std::abs(out.log_det.value()(r, 0) - numeric);
      report.max_error = std::max(report.max_error, err);
      if (!(err <= opt.log_det))
        detail::fail(report, std::string(inverse ? "inverse" : "forward") + " log-det of row " +
                                 std::to_string(r) + " is " +
                                 std::to_string(out.log_det.value()(r, 0)) +
                                 ", the numerical Jacobian gives " + std::to_string(numeric));
    }
  }

  for (bool inverse : {false, true}) {
    auto both = [&b, inverse](Var v) {
      Transformed out = inverse ? b.inverse(v) : b.forward(v);
      return concat_cols(out.value, out.log_det);
    };
    Report g = check_input_gradient(both, inverse ? x : z, opt.gradient, opt.seed + 10);
    if (!g.ok)
      detail::fail(report,
                   std::string(inverse ? "inverse" : "forward") + " input gradient: " + g.message);
    const Matrix point = inverse ? x : z;
    Report p = check_parameter_gradient([&](Tape& t) { return both(t.constant(point)); },
                                        b.parameters(), opt.gradient, opt.seed + 20);
    if (!p.ok)
      detail::fail(report, std::string(inverse ? "inverse" : "forward") +
                               " parameter gradient: " + p.message);
  }

  for (bool inverse : {false, true}) {
    const Matrix& point = inverse ? x : z;
    const Matrix batch = detail::forward_value(b, point, inverse);
    const double repeat = (detail::forward_value(b, point, inverse) - batch).cwiseAbs().maxCoeff();
    if (!(repeat <= opt.round_trip))
      detail::fail(report, std::string(inverse ? "inverse" : "forward") +
                               ": two passes on the same input differ by " +
                               std::to_string(repeat));
    for (Index r = 0; r < opt.rows; ++r) {
      const double alone =
          (detail::forward_value(b, point.row(r), inverse) - batch.row(r)).cwiseAbs().maxCoeff();
      if (!(alone <= opt.round_trip))
        detail::fail(report, std::string(inverse ? "inverse" : "forward") + ": row " +
                                 std::to_string(r) + " evaluated alone differs by " +
                                 std::to_string(alone) +
                                 " from the batch (rows must not depend on other rows)");
    }
  }
  return report;
}

}  // namespace neuralrg::testing
