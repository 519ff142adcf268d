// The wavelet_linear block: the SDK conformance kit, fixed and trainable.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/conformance.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;
using test::perturb;
using test::require_conformant;

TEST_CASE("wavelet_linear passes the conformance kit, fixed and trainable") {
  for (Index width : {4, 2}) {
    CAPTURE(width);
    auto fixed = test::make_bijector("{plugin: wavelet_linear}", width);
    CHECK(fixed->parameters().empty());
    require_conformant(*fixed);
    auto trainable = test::make_bijector("{plugin: wavelet_linear, trainable: true}", width);
    // Starts exactly at Haar.
    Tape t;
    const Matrix x = test::random_matrix(3, width, 2);
    const Matrix a = trainable->inverse(t.constant(x)).value.value();
    const Matrix b = fixed->inverse(t.constant(x)).value.value();
    CHECK((a - b).cwiseAbs().maxCoeff() < test::scaled(1e-12));
    perturb(*trainable, 6);
    require_conformant(*trainable);
  }
}
