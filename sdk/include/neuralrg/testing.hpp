// Conformance checks for plugin authors: gradients against finite differences, and (for
// bijectors) invertibility, log-det against the numerical Jacobian and shape errors.
// Header-only; works with any test framework: each check returns a Report whose `ok` you assert
// and whose `message` says what failed.
#pragma once

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/rng.hpp"

namespace neuralrg::testing {

/// The outcome of one check.
struct Report {
  bool ok = true;
  double max_error = 0;  ///< Largest error found, in the check's own measure.
  std::string message;   ///< Empty when ok; otherwise what failed and where.
};

/// Tolerances: |analytic − numeric| ≤ tolerance · (1 + |numeric|), with central differences of
/// step `epsilon`.
struct Tolerance {
  double epsilon = 1e-6;
  double tolerance = 1e-6;
};

namespace detail {

inline double projected(const Matrix& y, const Matrix& w) { return (y.array() * w.array()).sum(); }

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
      detail::compare(report, analytic(i, j), (up - down) / (2 * tol.epsilon), tol,
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
        detail::compare(report, analytic[k](i, j), (up - down) / (2 * tol.epsilon), tol,
                        params[k]->name + "(" + std::to_string(i) + "," + std::to_string(j) +
                            ")");
      }
  }
  return report;
}

}  // namespace neuralrg::testing
