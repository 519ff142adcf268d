// The conformance kit itself: it warns at an identity start and fails wrong bijectors.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/conformance.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;
using test::perturb;

TEST_CASE("the conformance kit warns when a block is the identity at its parameters") {
  auto b = test::make_bijector("{plugin: spline, couplings: 2, bins: 3}", 4);
  const auto at_init = testing::check_bijector(*b);
  CHECK(at_init.ok);
  CHECK(at_init.warning.find("identity at its current parameters") != std::string::npos);
  perturb(*b, 3, 0.1);
  const auto perturbed = testing::check_bijector(*b);
  CHECK(perturbed.warning.empty());
}

TEST_CASE("the conformance kit fails a bijector whose log-det is wrong") {
  // A scaling by 2 that claims to be volume preserving.
  class Liar final : public Bijector {
   public:
    Index width() const override { return 4; }
    std::vector<Parameter*> parameters() override { return {}; }
    Transformed do_forward(Var z) const override {
      if (z.cols() != 4) throw std::invalid_argument("liar: 4 columns");
      return {scale(z, 2), z.tape().filled(z.rows(), 1, 0)};
    }
    Transformed do_inverse(Var x) const override {
      if (x.cols() != 4) throw std::invalid_argument("liar: 4 columns");
      return {scale(x, 0.5), x.tape().filled(x.rows(), 1, 0)};
    }
  } liar;
  const auto report = testing::check_bijector(liar);
  CHECK_FALSE(report.ok);
  CHECK(report.message.find("log-det") != std::string::npos);
}

TEST_CASE("the conformance kit fails a bijector whose rows depend on the batch") {
  // Exactly invertible and volume preserving, but it shifts by the number of rows: fine for one
  // row at a time, wrong once the host evaluates a layer in tiles.
  class BatchShift final : public Bijector {
   public:
    Index width() const override { return 4; }
    std::vector<Parameter*> parameters() override { return {}; }
    Transformed do_forward(Var z) const override {
      if (z.cols() != 4) throw std::invalid_argument("batch shift: 4 columns");
      return {shift(z, 0.1 * static_cast<double>(z.rows() - 1)), z.tape().filled(z.rows(), 1, 0)};
    }
    Transformed do_inverse(Var x) const override {
      if (x.cols() != 4) throw std::invalid_argument("batch shift: 4 columns");
      return {shift(x, -0.1 * static_cast<double>(x.rows() - 1)), x.tape().filled(x.rows(), 1, 0)};
    }
  } batch_shift;
  const auto report = testing::check_bijector(batch_shift);
  CHECK_FALSE(report.ok);
  CHECK(report.message.find("evaluated alone") != std::string::npos);
}
