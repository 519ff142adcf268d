// The Ising dual target: FFT against the dense inverse, gradients, parameter checks.
#include <doctest/doctest.h>

#include <cmath>

#include "neuralrg/exact.hpp"
#include "neuralrg/testing.hpp"
#include "support/plugins.hpp"
#include "support/precision.hpp"

using namespace neuralrg;

namespace {

std::unique_ptr<Target> make_target(const std::string& yaml) {
  auto [entry, params] = test::resolve(PluginKind::Target, yaml);
  return std::get<TargetFactory>(entry->factory)(params, TargetContext{});
}

// E(x) with (K + aI)⁻¹ formed densely.
double dense_energy(const Matrix& x_row, int L, double beta, double a) {
  const int N = L * L;
  Eigen::MatrixXd K = Eigen::MatrixXd::Identity(N, N) * a;
  for (int i = 0; i < L; ++i)
    for (int j = 0; j < L; ++j) {
      const int s = i * L + j;
      for (int n : {i * L + (j + 1) % L, ((i + 1) % L) * L + j, i * L + (j + L - 1) % L,
                    ((i + L - 1) % L) * L + j})
        K(s, n) = beta;  // set, not accumulated
    }
  const Eigen::VectorXd x = x_row.transpose().cast<double>();
  double e = 0.5 * x.dot(K.inverse() * x);
  for (int s = 0; s < N; ++s) e -= std::log(std::cosh(x(s)));
  return e;
}

}  // namespace

TEST_CASE("the FFT energy equals the dense (K + aI)^-1 form for L = 4 and 8") {
  for (int L : {4, 8}) {
    for (double beta : {0.3, exact::kIsingBetaCritical, 0.6}) {
      CAPTURE(L);
      CAPTURE(beta);
      auto target = make_target("{plugin: ising_dual, L: " + std::to_string(L) +
                                ", beta: " + std::to_string(beta) + "}");
      const double a = exact::ising2d_dual(L, std::stod(std::to_string(beta))).offset;
      const Matrix x = test::random_matrix(3, L * L, 7, 1.5);
      Tape tape;
      const Matrix e = target->energy(tape.constant(x)).value();
      for (Index r = 0; r < 3; ++r)
        CHECK(e(r, 0) ==
              doctest::Approx(dense_energy(x.row(r), L, std::stod(std::to_string(beta)), a))
                  .epsilon(test::scaled(1e-12)));
    }
  }
}

TEST_CASE("the energy gradient matches finite differences") {
  auto target = make_target("{plugin: ising_dual, L: 4, beta: critical}");
  const auto report = testing::check_input_gradient([&](Var x) { return target->energy(x); },
                                                    test::random_matrix(2, 16, 3, 2.0));
  INFO(report.message);
  CHECK(report.ok);
}

TEST_CASE("exact free energy, offsets and lattice") {
  auto t = make_target("{plugin: ising_dual, L: 16, beta: critical}");
  CHECK(*t->exact_free_energy() / 256 == doctest::Approx(-2.31592086).epsilon(1e-8));
  CHECK(t->lattice() == std::vector<Index>{16, 16});
  auto shifted = make_target("{plugin: ising_dual, L: 4, beta: 0.4, offset: 2.5}");
  CHECK(*shifted->exact_free_energy() ==
        doctest::Approx(exact::ising2d_dual(4, 0.4, 2.5).free_energy));
  CHECK_THROWS_WITH_AS(
      make_target("{plugin: ising_dual, L: 4, beta: 0.4, offset: 1.0}"),
      doctest::Contains("s.offset: offset 1 does not make K + aI positive definite: "
                        "its smallest eigenvalue would be -0.6"),
      ConfigError);
}

TEST_CASE("improved estimators: structure factor and bond energy from tanh x") {
  auto t = make_target("{plugin: ising_dual, L: 4, beta: critical}");
  Matrix x = Matrix::Constant(2, 16, 50.0);  // tanh = 1: all spins up
  x.row(1).setZero();                        // tanh = 0: spins independent and unbiased
  Rng rng(1);
  Matrix out;
  t->measure(x, rng, out);
  CHECK(out(0, 0) == doctest::Approx(1.0));       // (Σs)²/N² = 1
  CHECK(out(0, 1) == doctest::Approx(1.0));       // every bond aligned
  CHECK(out(0, 2) == doctest::Approx(1.0));       // |m| = 1
  CHECK(out(1, 0) == doctest::Approx(1.0 / 16));  // E[(Σs)²] = N for independent spins
  CHECK(out(1, 1) == doctest::Approx(0.0));
}
