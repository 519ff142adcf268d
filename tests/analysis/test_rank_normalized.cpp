// Rank-normalized split-R̂ against an independent implementation written from the paper
// (tests/analysis/rank_normalized_reference.py) and on the failure it exists to catch.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "analysis/rank_normalized.hpp"
#include "analysis/time_series.hpp"

using namespace neuralrg;

TEST_CASE("rank normal scores: Blom's Φ⁻¹((r − 3/8)/(S + 1/4)), ties share their mean rank") {
  const auto z = rank_normal_scores({{4, 1}, {3, 2}});
  CHECK(z[0][1] == doctest::Approx(-1.0491313979639711));
  CHECK(z[1][1] == doctest::Approx(-0.29930691046566704));
  CHECK(z[1][0] == doctest::Approx(0.29930691046566704));
  CHECK(z[0][0] == doctest::Approx(1.0491313979639711));
  const auto tied = rank_normal_scores({{5, 2, 2, 9, 1}});
  CHECK(tied[0][1] == doctest::Approx(-0.24104039388602683));
  CHECK(tied[0][2] == tied[0][1]);
  CHECK(tied[0][0] == doctest::Approx(0.497200570681554));
}

TEST_CASE("rank-normalized R̂ equals the reference on a location and a scale case") {
  const std::vector<std::vector<double>> location = {{0.3, 1.2, -0.5, 0.8, 2.0, 0.1},
                                                     {1.1, 1.9, 0.7, 2.5, 1.4, 0.9},
                                                     {-0.2, 0.4, 0.0, -1.0, 0.6, 0.2},
                                                     {0.5, 0.5, 3.0, -2.0, 0.05, 1.5}};
  CHECK(rank_normalized_r_hat(location) == doctest::Approx(1.0879128548111554).epsilon(1e-12));
  // Same centre, different scales: classic split-R̂ sees nothing (0.82), the folded ranks do.
  const std::vector<std::vector<double>> scale = {{0.1, -0.2, 0.15, -0.05, 0.2, -0.1},
                                                  {-0.15, 0.05, 0.1, -0.2, 0.0, 0.12},
                                                  {2.0, -3.0, 1.5, -2.5, 3.2, -1.8},
                                                  {-2.2, 2.8, -1.1, 1.9, -3.5, 2.4}};
  CHECK(split_r_hat(scale) == doctest::Approx(0.8217108034808714).epsilon(1e-12));
  CHECK(rank_normalized_r_hat(scale) == doctest::Approx(1.5903279725374448).epsilon(1e-12));
}

TEST_CASE(
    "rank-normalized R̂: 1 for agreeing chains, invariant under monotone maps, finite for "
    "Cauchy draws") {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal;
  std::cauchy_distribution<double> cauchy;
  std::vector<std::vector<double>> agree(8, std::vector<double>(1000)), heavy = agree;
  for (auto& s : agree)
    for (double& v : s) v = normal(rng);
  for (auto& s : heavy)
    for (double& v : s) v = cauchy(rng);
  const double r = rank_normalized_r_hat(agree);
  CHECK(r == doctest::Approx(1.0).epsilon(0.01));
  auto mapped = agree;
  for (auto& s : mapped)
    for (double& v : s) v = std::exp(3 * v);
  CHECK(rank_normalized_r_hat(mapped) == doctest::Approx(r).epsilon(1e-12));
  CHECK(rank_normalized_r_hat(heavy) == doctest::Approx(1.0).epsilon(0.01));
  // Half the chains twice as wide as the others: a scale difference only the folded (tail) R̂ sees.
  for (int k = 0; k < 4; ++k)
    for (double& v : agree[k]) v *= 2;
  CHECK(split_r_hat(agree) < 1.02);
  CHECK(rank_normalized_r_hat(agree) > 1.05);
  CHECK(std::isnan(rank_normalized_r_hat({{1, 2, 3, 4}})));
  CHECK(std::isnan(rank_normalized_r_hat({{1, 2, NAN, 4}, {1, 2, 3, 4}})));
}

TEST_CASE("ESS, bulk-ESS and tail-ESS equal the reference on AR(1) sequences") {
  // The reference's sequences: x_t = 0.8 x_{t−1} + sin(7.3 t + 1.1 k), x_{−1} = 0.5 k.
  std::vector<std::vector<double>> ar(4);
  for (int k = 0; k < 4; ++k) {
    double x = 0.5 * k;
    for (int t = 0; t < 40; ++t) ar[k].push_back(x = 0.8 * x + std::sin(7.3 * t + 1.1 * k));
  }
  CHECK(effective_sample_size(ar) == doctest::Approx(81.4735379733629).epsilon(1e-9));
  CHECK(bulk_effective_sample_size(ar) == doctest::Approx(89.10796475041737).epsilon(1e-9));
  CHECK(tail_effective_sample_size(ar) == doctest::Approx(62.16957265993064).epsilon(1e-9));
}

TEST_CASE("bulk-ESS: the draw count for independent draws, (1 − ρ)/(1 + ρ) of it for AR(1)") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  std::vector<std::vector<double>> iid(8, std::vector<double>(4000)), ar = iid;
  for (std::size_t k = 0; k < 8; ++k) {
    double x = 0;
    for (std::size_t t = 0; t < 4000; ++t) {
      iid[k][t] = normal(rng);
      ar[k][t] = x = 0.9 * x + std::sqrt(1 - 0.81) * normal(rng);
    }
  }
  const double draws = 8 * 4000;
  CHECK(bulk_effective_sample_size(iid) == doctest::Approx(draws).epsilon(0.1));
  CHECK(tail_effective_sample_size(iid) == doctest::Approx(draws).epsilon(0.15));
  CHECK(bulk_effective_sample_size(ar) == doctest::Approx(draws * 0.1 / 1.9).epsilon(0.2));
  // Chains stuck in different places: far fewer effective draws than the sequences' own
  // autocorrelation would suggest.
  for (std::size_t k = 0; k < 4; ++k)
    for (double& v : iid[k]) v += 3;
  CHECK(bulk_effective_sample_size(iid) < 0.01 * draws);
  CHECK(std::isnan(effective_sample_size({{1, 2, 3, 4}})));  // one sequence
}

TEST_CASE("ESS of antithetic sequences stays positive, at most S·log10(S)") {
  // x_t = (−1)^t (1 + 0.01 u): the first autocorrelation pair sums to nearly 0, so τ → −1 + 2·ρ₀…
  // without the bound the estimate would be negative.
  std::mt19937_64 rng(2);
  std::uniform_real_distribution<double> u;
  std::vector<std::vector<double>> flip(4, std::vector<double>(200));
  for (auto& s : flip)
    for (std::size_t t = 0; t < s.size(); ++t) s[t] = (t % 2 ? -1.0 : 1.0) * (1 + 0.01 * u(rng));
  const double draws = 4 * 200;
  const double ess = effective_sample_size(flip);
  CHECK(ess > 0);
  CHECK(ess <= draws * std::log10(draws) * (1 + 1e-12));
  CHECK(bulk_effective_sample_size(flip) > 0);
}
