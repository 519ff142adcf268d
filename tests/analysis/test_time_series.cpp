// Autocorrelation times and error bars against an AR(1) process with known answers.
#include <doctest/doctest.h>

#include <cmath>

#include "analysis/time_series.hpp"
#include "neuralrg/rng.hpp"

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

TEST_CASE("split R-hat: a hand-computed case") {
  // Halves [0,2] [4,6] [1,1] [1,1]: W = 1, B = 2/3 · 12 = 8, R̂ = √(½ · 1 + 8/2) = √4.5.
  CHECK(split_r_hat({{0, 2, 4, 6}, {1, 1, 1, 1}}) == doctest::Approx(std::sqrt(4.5)));
  CHECK(std::isnan(split_r_hat({{0, 1, 2, 3}})));
  CHECK(std::isnan(split_r_hat({{0, 1, 2}, {0, 1, 2}})));
}

TEST_CASE("split R-hat is 1 for stationary chains and flags drift and stuck chains") {
  std::vector<std::vector<double>> stationary, relaxing, stuck;
  for (std::uint64_t c = 0; c < 8; ++c) {
    stationary.push_back(ar1(0.5, 2000, 10 + c));
    relaxing.push_back(stationary.back());
    for (std::size_t t = 0; t < relaxing.back().size(); ++t)  // starts 10 σ off, forgets slowly
      relaxing.back()[t] += 10 * std::pow(0.995, static_cast<double>(t));
    stuck.push_back(stationary.back());
    if (c == 0)
      for (double& v : stuck.back()) v += 2;
  }
  CHECK(split_r_hat(stationary) == doctest::Approx(1.0).epsilon(0.01));
  CHECK(split_r_hat(relaxing) > 1.1);
  CHECK(split_r_hat(stuck) > 1.05);
}

TEST_CASE("the spread of sequence means gives the error a stuck chain hides from its time series") {
  // Eight independent white-noise sequences: sd/√M of their means ≈ the grand mean's error.
  std::vector<std::vector<double>> fair, stuck;
  for (std::uint64_t c = 0; c < 8; ++c) fair.push_back(ar1(0.0, 4000, 40 + c));
  const double fair_error = between_sequence_stderr(fair);
  CHECK(fair_error == doctest::Approx(1.0 / std::sqrt(8.0 * 4000)).epsilon(0.5));
  // Half of the sequences sit in a mode at +1, half at −1, and never switch: the pooled time
  // series looks stationary with a tiny error, the spread of the means does not.
  for (std::uint64_t c = 0; c < 8; ++c) {
    stuck.push_back(fair[c]);
    for (double& v : stuck.back()) v = 0.01 * v + (c % 2 ? 1.0 : -1.0);
  }
  std::vector<double> pooled(4000, 0.0);
  for (const auto& s : stuck)
    for (std::size_t t = 0; t < pooled.size(); ++t) pooled[t] += s[t] / 8;
  CHECK(analyze_series(pooled).stderr_ < 1e-3);
  CHECK(between_sequence_stderr(stuck) ==
        doctest::Approx(std::sqrt(8.0 / 7.0 / 8.0)).epsilon(0.01));
  CHECK(std::isnan(between_sequence_stderr({{1.0, 2.0}})));
}
