// Adam: the update rule against a hand computation, weight decay modes, state round trip.
#include <doctest/doctest.h>

#include <cmath>

#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

namespace {

std::unique_ptr<Optimizer> make_adam(const std::string& yaml) {
  auto [entry, params] = test::resolve(PluginKind::Optimizer, yaml);
  return std::get<OptimizerFactory>(entry->factory)(params, OptimizerContext{});
}

}  // namespace

TEST_CASE("the first Adam steps match the formula") {
  auto adam = make_adam("{plugin: adam}");
  Parameter p{"p", Matrix::Constant(1, 1, 1.0), Matrix::Constant(1, 1, 0.5)};
  std::vector<Parameter*> params{&p};
  adam->step(params, 0.1);
  // m̂ = g, v̂ = g²: the first step moves by lr·g/(|g| + eps) ≈ lr.
  CHECK(p.value(0, 0) == doctest::Approx(1.0 - 0.1 * 0.5 / (0.5 + 1e-8)));
  const double after_first = p.value(0, 0);
  p.grad(0, 0) = -0.25;
  adam->step(params, 0.1);
  const double m = 0.9 * 0.1 * 0.5 + 0.1 * -0.25, v = 0.999 * 0.001 * 0.25 + 0.001 * 0.0625;
  const double expected =
      after_first - 0.1 * (m / (1 - 0.81)) / (std::sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
  CHECK(p.value(0, 0) == doctest::Approx(expected).epsilon(test::scaled(1e-12)));
}

TEST_CASE("L2 weight decay and decoupled weight decay differ as defined") {
  auto l2 = make_adam("{plugin: adam, weight_decay: 0.1}");
  auto decoupled = make_adam("{plugin: adam, weight_decay: 0.1, decoupled: true}");
  Parameter a{"a", Matrix::Constant(1, 1, 2.0), Matrix::Zero(1, 1)};
  Parameter b = a;
  std::vector<Parameter*> pa{&a}, pb{&b};
  l2->step(pa, 0.01);
  decoupled->step(pb, 0.01);
  // L2: the decay enters Adam's normalised step: ≈ lr. Decoupled: θ(1 − lr·wd), no Adam step.
  CHECK(a.value(0, 0) == doctest::Approx(2.0 - 0.01).epsilon(1e-6));
  CHECK(b.value(0, 0) == doctest::Approx(2.0 * (1 - 0.01 * 0.1)).epsilon(test::scaled(1e-12)));
}

TEST_CASE("state round trip continues bit for bit") {
  auto first = make_adam("{plugin: adam}");
  auto second = make_adam("{plugin: adam}");
  Parameter p{"p", test::random_matrix(3, 2, 1), test::random_matrix(3, 2, 2)};
  std::vector<Parameter*> params{&p};
  first->step(params, 0.01);
  second->load_state(first->state());
  Parameter q = p;
  std::vector<Parameter*> qs{&q};
  first->step(params, 0.01);
  second->step(qs, 0.01);
  CHECK((p.value - q.value).cwiseAbs().maxCoeff() == 0.0);
  CHECK_THROWS_AS(second->load_state(std::vector<NamedMatrix>{{"x", Matrix()}}),
                  std::runtime_error);
}
