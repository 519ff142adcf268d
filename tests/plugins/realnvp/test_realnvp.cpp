// The realnvp block: the SDK conformance kit with non-trivial weights, its published size.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/conformance.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;
using test::perturb;
using test::require_conformant;

TEST_CASE("realnvp passes the conformance kit") {
  for (Index width : {4, 2}) {
    for (const char* yaml :
         {"{plugin: realnvp}", "{plugin: realnvp, couplings: 3, hidden: [7], activation: tanh}",
          "{plugin: realnvp, couplings: 2, mask: checkerboard, activation: softplus}"}) {
      CAPTURE(width);
      CAPTURE(yaml);
      auto b = test::make_bijector(yaml, width);
      perturb(*b, 5);
      require_conformant(*b);
    }
  }
}

TEST_CASE("realnvp has the published parameter count and starts volume preserving") {
  auto b = test::make_bijector("{plugin: realnvp}", 4);
  Index n = 0;
  for (Parameter* p : b->parameters()) n += p->value.size();
  CHECK(n == 6320);  // 10 × (2 × 314 + 4)
  Tape t;
  CHECK(
      b->forward(t.constant(test::random_matrix(5, 4, 1))).log_det.value().cwiseAbs().maxCoeff() ==
      0.0);
}
