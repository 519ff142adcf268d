// Gradients against central finite differences, for inputs and for parameters.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "neuralrg/autodiff.hpp"
#include "neuralrg/rng.hpp"
#include "neuralrg/testing/report.hpp"

namespace neuralrg::testing {

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

}  // namespace neuralrg::testing
