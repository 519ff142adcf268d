// Elementwise and broadcasting ops: values, and gradients against central finite differences.
#include <doctest/doctest.h>

#include <cmath>

#include "neuralrg/testing.hpp"
#include "support/gradient_check.hpp"
#include "support/precision.hpp"
#include "support/random_matrix.hpp"

using namespace neuralrg;
using neuralrg::test::random_matrix;
using neuralrg::test::require_gradient;

namespace {

Matrix value_of(const testing::InputFunction& f, const Matrix& x) {
  Tape tape;
  return f(tape.constant(x)).value();
}

}  // namespace

TEST_CASE("unary ops match their definitions and finite differences") {
  const Matrix x = random_matrix(5, 3, 11, 1.5);
  const Matrix positive = x.array().abs() + 0.1;
  struct Case {
    const char* name;
    testing::InputFunction f;
    std::function<double(double)> reference;
    const Matrix* input;
  };
  const std::vector<Case> cases = {
      {"elu", [](Var v) { return elu(v); }, [](double v) { return v > 0 ? v : std::exp(v) - 1; },
       &x},
      {"tanh", [](Var v) { return neuralrg::tanh(v); }, [](double v) { return std::tanh(v); }, &x},
      {"softplus", [](Var v) { return softplus(v); },
       [](double v) { return std::log(1 + std::exp(v)); }, &x},
      {"exp", [](Var v) { return neuralrg::exp(v); }, [](double v) { return std::exp(v); }, &x},
      {"log", [](Var v) { return neuralrg::log(v); }, [](double v) { return std::log(v); },
       &positive},
      {"log_cosh", [](Var v) { return log_cosh(v); },
       [](double v) { return std::log(std::cosh(v)); }, &x},
      {"square", [](Var v) { return square(v); }, [](double v) { return v * v; }, &x},
      {"scale", [](Var v) { return scale(v, -2.5); }, [](double v) { return -2.5 * v; }, &x},
      {"shift", [](Var v) { return shift(v, 0.75); }, [](double v) { return v + 0.75; }, &x},
      {"neg", [](Var v) { return -v; }, [](double v) { return -v; }, &x},
      {"sinh", [](Var v) { return neuralrg::sinh(v); }, [](double v) { return std::sinh(v); }, &x},
      {"asinh", [](Var v) { return neuralrg::asinh(v); }, [](double v) { return std::asinh(v); },
       &x},
      {"sqrt", [](Var v) { return neuralrg::sqrt(v); }, [](double v) { return std::sqrt(v); },
       &positive},
      {"abs", [](Var v) { return neuralrg::abs(v); }, [](double v) { return std::abs(v); }, &x},
      {"log1p", [](Var v) { return neuralrg::log1p(v); }, [](double v) { return std::log1p(v); },
       &positive},
      {"sigmoid", [](Var v) { return sigmoid(v); }, [](double v) { return 1 / (1 + std::exp(-v)); },
       &x},
      {"elementwise (a cube from f and df)",
       [](Var v) {
         return elementwise(
             v, [](Scalar a) { return a * a * a; }, [](Scalar a, Scalar) { return 3 * a * a; });
       },
       [](double v) { return v * v * v; }, &x},
      {"elementwise (capturing a number, df from the output)",
       [](Var v) {
         const Scalar k = 0.5;
         return elementwise(
             v, [k](Scalar a) { return std::exp(k * a); }, [k](Scalar, Scalar y) { return k * y; });
       },
       [](double v) { return std::exp(0.5 * v); }, &x},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const Matrix y = value_of(c.f, *c.input);
    for (Index i = 0; i < y.size(); ++i)
      CHECK(y.data()[i] ==
            doctest::Approx(c.reference(c.input->data()[i])).epsilon(test::scaled(1e-12)));
    require_gradient(c.f, *c.input);
  }
}

TEST_CASE("softplus, log_cosh and exp stay finite at large |x|") {
  Matrix x(1, 6);
  x << -1e4, -700, -30, 30, 700, 1e4;
  for (auto f : {+[](Var v) { return softplus(v); }, +[](Var v) { return log_cosh(v); }}) {
    Tape tape;
    Var in = tape.input(x);
    Var y = f(in);
    tape.backward(sum(y));
    CHECK(y.value().allFinite());
    CHECK(in.adjoint().allFinite());
  }
  // Asymptotes: softplus(x) → x, ln cosh x → |x| − ln 2.
  Tape tape;
  CHECK(softplus(tape.constant(x)).value()(0, 5) == doctest::Approx(1e4));
  CHECK(softplus(tape.constant(x)).value()(0, 0) == 0.0);
  CHECK(log_cosh(tape.constant(x)).value()(0, 0) == doctest::Approx(1e4 - std::log(2.0)));
  Matrix very_negative = Matrix::Constant(1, 2, -1000);
  Var in = tape.input(very_negative);
  Var e = neuralrg::exp(in);
  tape.backward(sum(e));
  CHECK(e.value().allFinite());
  CHECK(in.adjoint().allFinite());
  CHECK(e.value()(0, 0) >= 0.0);
  CHECK(e.value()(0, 0) < 1e-300);
}

TEST_CASE("sigmoid and asinh stay finite and accurate at large |x|") {
  Matrix x(1, 4);
  x << -800, -40, 40, 800;
  Tape tape;
  const Matrix s = sigmoid(tape.constant(x)).value();
  CHECK(s.allFinite());
  CHECK(s(0, 0) == 0.0);
  CHECK(s(0, 3) == 1.0);
  CHECK(s(0, 1) == doctest::Approx(std::exp(-40.0)).epsilon(test::scaled(1e-12)));
  const Matrix a = neuralrg::asinh(tape.constant(x)).value();
  CHECK(a(0, 0) ==
        doctest::Approx(-std::log(800 + std::sqrt(800.0 * 800 + 1))).epsilon(test::scaled(1e-12)));
}

TEST_CASE("binary ops broadcast rows, columns and scalars, with gradients for both operands") {
  const Matrix full = random_matrix(4, 3, 21);
  const std::vector<Matrix> others = {random_matrix(4, 3, 22), random_matrix(1, 3, 23),
                                      random_matrix(4, 1, 24), random_matrix(1, 1, 25)};
  using Op = Var (*)(Var, Var);
  const std::vector<std::pair<const char*, Op>> ops = {{"add", &add}, {"sub", &sub}, {"mul", &mul}};
  for (const auto& name_op : ops) {
    // Not a structured binding: CAPTURE's lambda cannot capture one before Clang 16.
    const char* name = name_op.first;
    const Op op = name_op.second;
    for (const Matrix& other : others) {
      CAPTURE(name);
      CAPTURE(other.rows());
      CAPTURE(other.cols());
      // Value against an explicit broadcast.
      Tape tape;
      const Matrix y = op(tape.constant(full), tape.constant(other)).value();
      const Matrix wide = other.replicate(full.rows() / other.rows(), full.cols() / other.cols());
      const Matrix expected = std::string(name) == "add"   ? Matrix(full + wide)
                              : std::string(name) == "sub" ? Matrix(full - wide)
                                                           : Matrix(full.cwiseProduct(wide));
      CHECK((y - expected).cwiseAbs().maxCoeff() < test::scaled(1e-14));
      // Gradient with respect to each side, the broadcast one on either side of the op.
      require_gradient([&, op = op](Var a) { return op(a, a.tape().constant(other)); }, full);
      require_gradient([&, op = op](Var b) { return op(b.tape().constant(full), b); }, other);
      require_gradient([&, op = op](Var b) { return op(b, b.tape().constant(full)); }, other);
    }
  }
}

TEST_CASE("shape mismatches throw errors naming the op and both shapes") {
  Tape tape;
  Var a = tape.constant(Matrix::Zero(4, 3));
  Var b = tape.constant(Matrix::Zero(2, 3));
  CHECK_THROWS_WITH_AS(add(a, b),
                       "add: shapes do not broadcast: first operand is 4×3, second is 2×3",
                       std::invalid_argument);
  Var w = tape.constant(Matrix::Zero(5, 4));
  CHECK_THROWS_WITH_AS(linear(a, w, Var()),
                       "linear: x.cols must equal W.cols: first operand is 4×3, second is 5×4",
                       std::invalid_argument);
}
