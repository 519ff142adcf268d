// The block plugins pass the SDK conformance kit, with non-trivial weights.
#include <doctest/doctest.h>

#include "neuralrg/testing.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

namespace {

// Moves every parameter away from its initial value (scale = 0 would make realnvp trivially
// volume preserving and hide log-det mistakes).
void perturb(Bijector& b, std::uint64_t seed, double amount = 0.3) {
  testing::perturb(b.parameters(), amount, seed);
}

void require_conformant(Bijector& b) {
  const auto report = testing::check_bijector(b);
  INFO(report.message);
  CHECK(report.ok);
}

}  // namespace

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

TEST_CASE("the conformance kit warns when a block is the identity at its parameters") {
  auto b = test::make_bijector("{plugin: spline, couplings: 2, bins: 3}", 4);
  const auto at_init = testing::check_bijector(*b);
  CHECK(at_init.ok);
  CHECK(at_init.warning.find("identity at its current parameters") != std::string::npos);
  perturb(*b, 3, 0.1);
  const auto perturbed = testing::check_bijector(*b);
  CHECK(perturbed.warning.empty());
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
