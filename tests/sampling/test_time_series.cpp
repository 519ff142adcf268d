// Autocorrelation times and error bars against an AR(1) process with known answers.
#include <doctest/doctest.h>

#include <cmath>

#include "neuralrg/rng.hpp"
#include "physics/time_series.hpp"

using namespace neuralrg;

namespace {

std::vector<double> ar1(double phi, std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x(n);
  double v = rng.normal() / std::sqrt(1 - phi * phi);
  for (auto& xi : x) {
    v = phi * v + rng.normal();
    xi = v;
  }
  return x;
}

}  // namespace

TEST_CASE("tau_int of AR(1) matches (1 + phi) / (2 (1 - phi))") {
  for (double phi : {0.0, 0.5, 0.9}) {
    CAPTURE(phi);
    const double exact = (1 + phi) / (2 * (1 - phi));
    const double tau = integrated_autocorrelation_time(ar1(phi, 200000, 3));
    CHECK(tau == doctest::Approx(exact).epsilon(0.1));
  }
}

TEST_CASE("error bars cover the truth at the advertised rate") {
  // 200 independent AR(1) runs with phi = 0.8 and true mean 0: about 95 % within 2 σ.
  int covered = 0;
  for (std::uint64_t run = 0; run < 200; ++run) {
    const SeriesEstimate e = analyze_series(ar1(0.8, 4000, 100 + run));
    if (std::abs(e.mean) < 2 * e.stderr_) ++covered;
  }
  CHECK(covered >= 180);
  CHECK(covered <= 200);
  // The naive error (ignoring autocorrelation) would be √(2τ) = 3× too small.
  const SeriesEstimate e = analyze_series(ar1(0.8, 40000, 7));
  double var = 0;
  const auto x = ar1(0.8, 40000, 7);
  for (double v : x) var += (v - e.mean) * (v - e.mean);
  const double naive = std::sqrt(var / (x.size() - 1) / x.size());
  CHECK(e.stderr_ / naive == doctest::Approx(3.0).epsilon(0.15));
}
