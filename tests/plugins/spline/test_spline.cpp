// The spline block: the SDK conformance kit with non-trivial weights, its identity start.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/conformance.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;
using test::perturb;

TEST_CASE("spline passes the conformance kit, inside and outside its interval") {
  // ln f' has a kink at every knot, so a central difference that straddles one is off by half the
  // jump in its slope. The double step (10⁻⁶) practically never does; float's 5·10⁻³ did, so in
  // float the inputs stay near 0, inside the middle one of 3 bins, and crossing bins and the
  // identity tails are checked in the double build.
  const std::vector<std::string> double_cases{
      "{plugin: spline, hidden: [6, 6]}",
      "{plugin: spline, couplings: 3, bins: 3, hidden: [6], bound: 1.5}",
      "{plugin: spline, couplings: 2, bins: 5, mask: checkerboard, activation: tanh}"};
  const std::vector<std::string> float_cases{"{plugin: spline, couplings: 2, bins: 3}"};
  const auto& yamls = testing::kDoubleScalar ? double_cases : float_cases;
  for (Index width : {4, 2}) {
    for (const std::string& yaml : yamls) {
      CAPTURE(width);
      CAPTURE(yaml);
      auto b = test::make_bijector(yaml, width);
      perturb(*b, 7, 0.1);
      testing::BijectorCheck check;
      check.rows = 6;
      // In double, some inputs beyond ±1.5, where the splines are the identity.
      check.input_scale = testing::kDoubleScalar ? 2 : 0.05;
      const auto report = testing::check_bijector(*b, check);
      INFO(report.message);
      CHECK(report.ok);
    }
  }
}

TEST_CASE("spline starts as the identity and then bends the density") {
  auto b = test::make_bijector("{plugin: spline, couplings: 2}", 4);
  Tape t;
  const Matrix z = test::random_matrix(5, 4, 1);
  Transformed start = b->forward(t.constant(z));
  CHECK((start.value.value() - z).cwiseAbs().maxCoeff() < test::scaled(1e-12));
  CHECK(start.log_det.value().cwiseAbs().maxCoeff() < test::scaled(1e-12));
  perturb(*b, 8);
  Transformed bent = b->forward(t.constant(z));
  CHECK((bent.value.value() - z).cwiseAbs().maxCoeff() > 0.01);
  CHECK(bent.log_det.value().cwiseAbs().maxCoeff() > 0.01);
}
