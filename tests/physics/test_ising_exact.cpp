// Kaufman's solution against brute-force enumeration and the transfer matrix, on both sides of
// the critical point; the dual free energy against the published L = 16 value.
#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

#include "neuralrg/exact.hpp"
#include "physics/ising_reference.hpp"

using namespace neuralrg;

namespace {
const double kBetas[] = {0.2, 0.3, 0.4, exact::kIsingBetaCritical, 0.5, 0.6};
}

TEST_CASE("Kaufman equals brute-force enumeration for L = 4 across T_c") {
  for (double beta : kBetas) {
    CAPTURE(beta);
    CHECK(exact::ising2d_log_partition(4, beta) ==
          doctest::Approx(physics::ising_enumerate(4, beta).log_z).epsilon(1e-12));
  }
}

TEST_CASE("the energy per bond from Kaufman's ln Z equals enumeration (L = 4) across T_c") {
  for (double beta : kBetas) {
    CAPTURE(beta);
    CHECK(exact::ising2d_energy_per_bond(4, beta) ==
          doctest::Approx(physics::ising_enumerate(4, beta).energy_per_bond).epsilon(1e-9));
  }
  // Far from T_c on a large lattice it approaches the infinite-lattice limits: ≈ 0 bonds
  // correlated at high temperature (β → 0: ⟨ss⟩ ≈ tanh β) and √2/2 at β_c (Onsager).
  CHECK(exact::ising2d_energy_per_bond(256, 0.05) ==
        doctest::Approx(std::tanh(0.05)).epsilon(1e-2));
  CHECK(exact::ising2d_energy_per_bond(256, exact::kIsingBetaCritical) ==
        doctest::Approx(std::sqrt(2.0) / 2).epsilon(1e-2));
}

TEST_CASE("Kaufman equals the row transfer matrix for L = 3 … 8 across T_c") {
  for (int L = 3; L <= 8; ++L)
    for (double beta : kBetas) {
      CAPTURE(L);
      CAPTURE(beta);
      CHECK(exact::ising2d_log_partition(L, beta) ==
            doctest::Approx(physics::ising_log_z_transfer_matrix(L, beta)).epsilon(1e-11));
    }
}

TEST_CASE("large lattices stay finite and approach Onsager's free energy") {
  const double onsager_critical = 0.9296953983416102;  // ln Z / N at β_c, infinite lattice
  const double f512 =
      exact::ising2d_log_partition(512, exact::kIsingBetaCritical) / (512.0 * 512.0);
  CHECK(std::isfinite(f512));
  CHECK(f512 == doctest::Approx(onsager_critical).epsilon(1e-5));
  CHECK(std::isfinite(exact::ising2d_log_partition(512, 0.2)));
  CHECK(std::isfinite(exact::ising2d_log_partition(512, 0.6)));
}

TEST_CASE("the dual free energy at criticality, L = 16, matches the design's reference") {
  const auto dual = exact::ising2d_dual(16, exact::kIsingBetaCritical);
  CHECK(dual.offset == doctest::Approx(4 * exact::kIsingBetaCritical + 0.1));
  CHECK(dual.free_energy / 256 == doctest::Approx(-2.31592086).epsilon(1e-8));
  CHECK_THROWS_WITH_AS(exact::ising2d_dual(16, exact::kIsingBetaCritical, 1.0),
                       "offset 1 does not make K + aI positive definite: its smallest eigenvalue "
                       "would be -0.7627471740390859 (need offset > 1.7627471740390859)",
                       std::invalid_argument);
}
