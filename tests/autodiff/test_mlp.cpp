// A two-layer MLP: parameter gradients (training) and input gradients with frozen parameters.
#include <doctest/doctest.h>

#include "autodiff/mlp_fixture.hpp"
#include "neuralrg/testing.hpp"

using namespace neuralrg;

TEST_CASE("two-layer MLP: parameter and input gradients match finite differences") {
  test::Mlp mlp({4, 10, 4}, 100);
  const Matrix x = test::random_matrix(8, 4, 101);
  const auto params = testing::check_parameter_gradient(
      [&](Tape& tape) { return row_sum(tanh(mlp(tape.constant(x)))); }, mlp.parameters());
  INFO(params.message);
  CHECK(params.ok);
  const auto inputs = testing::check_input_gradient([&](Var v) { return tanh(mlp(v)); }, x);
  INFO(inputs.message);
  CHECK(inputs.ok);
}

TEST_CASE("frozen parameters give input gradients and no parameter gradients") {
  test::Mlp mlp({4, 10, 4}, 200);
  const Matrix x = test::random_matrix(8, 4, 201);
  Tape tape;
  tape.freeze_parameters(true);
  Var in = tape.input(x);
  tape.backward(sum(mlp(in)));
  CHECK(in.adjoint().cwiseAbs().sum() > 0);
  for (Parameter* p : mlp.parameters()) CHECK_FALSE(tape.param_grad(*p).has_value());

  Tape unfrozen;
  Var in2 = unfrozen.input(x);
  unfrozen.backward(sum(mlp(in2)));
  CHECK((in2.adjoint() - in.adjoint()).cwiseAbs().maxCoeff() == 0.0);
  for (Parameter* p : mlp.parameters()) CHECK(unfrozen.param_grad(*p).has_value());
}

TEST_CASE("a finite-difference check can fail: a wrong backward rule is caught") {
  // square's gradient is 2x; comparing tanh's backward against square's values must fail.
  const Matrix x = test::random_matrix(3, 3, 300);
  const auto report = testing::check_input_gradient(
      [](Var v) {
        Tape& t = v.tape();
        // Value of square(v) but gradient of scale(v, 2): wrong unless v == 1.
        Var wrong = scale(v, 2.0);
        Var correction = t.constant(v.value().array().square().matrix() - 2.0 * v.value());
        return add(wrong, correction);
      },
      x);
  CHECK_FALSE(report.ok);
}
