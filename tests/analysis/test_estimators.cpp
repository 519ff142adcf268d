// The analysis estimators against distributions with known answers.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "analysis/moments.hpp"
#include "analysis/mutual_information.hpp"
#include "neuralrg/rng.hpp"

using namespace neuralrg;

TEST_CASE("KSG mutual information of Gaussian pairs matches −½ ln(1 − ρ²)") {
  const int n = 1500;
  for (double rho : {0.0, 0.5, 0.9}) {
    CAPTURE(rho);
    Rng rng(11);
    std::vector<double> a(n), b(n);
    for (int i = 0; i < n; ++i) {
      a[i] = rng.normal();
      b[i] = rho * a[i] + std::sqrt(1 - rho * rho) * rng.normal();
    }
    const double exact = -0.5 * std::log(1 - rho * rho);
    // Statistical spread of the estimator at N = 1500 is about 0.01 nats.
    CHECK(std::abs(analysis::mutual_information_ksg(a, b) - exact) < 0.03);
    // MI is invariant under a monotone map of either variable; the estimator keeps this only
    // approximately, but it must not be measuring linear correlation.
    std::vector<double> cubed(n);
    for (int i = 0; i < n; ++i) cubed[i] = a[i] * a[i] * a[i];
    CHECK(std::abs(analysis::mutual_information_ksg(cubed, b) - exact) < 0.06);
  }
}

TEST_CASE("moments of a uniform sample: variance 1/12, excess kurtosis −6/5") {
  Rng rng(3);
  std::vector<double> u(200000);
  for (auto& v : u) v = rng.uniform();
  const auto m = analysis::moments(u);
  CHECK(m.mean == doctest::Approx(0.5).epsilon(0.01));
  CHECK(std::abs(m.variance - 1.0 / 12) < 4 * m.variance_stderr);
  CHECK(std::abs(m.excess_kurtosis + 1.2) < 4 * m.kurtosis_stderr);
  CHECK(m.count == 200000);
}
