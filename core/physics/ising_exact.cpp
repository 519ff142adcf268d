// Kaufman's exact partition function of the periodic L×L Ising model, and the dual model's free
// energy (declared in neuralrg/exact.hpp).
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "neuralrg/exact.hpp"

namespace neuralrg::exact {
namespace {

// ln(2 cosh y) and ln|2 sinh y| without overflow.
double log_2cosh(double y) {
  const double a = std::abs(y);
  return a + std::log1p(std::exp(-2 * a));
}
double log_abs_2sinh(double y) {
  const double a = std::abs(y);
  return a + std::log1p(-std::exp(-2 * a));
}

// ln |Σ_i sign_i e^{l_i}| for terms given as (sign, log magnitude); requires a positive total.
double log_signed_sum(const std::vector<std::pair<int, double>>& terms) {
  double top = -std::numeric_limits<double>::infinity();
  for (const auto& [sign, l] : terms)
    if (sign != 0) top = std::max(top, l);
  double total = 0;
  for (const auto& [sign, l] : terms)
    if (sign != 0) total += sign * std::exp(l - top);
  return top + std::log(total);
}

// Above this β the dual's automatic offset 0.1 − λ_min(K) = 0.1 + 4β would lose its 0.1 to
// rounding long before ln Z overflows; far beyond any temperature of interest (β_c ≈ 0.44).
constexpr double kMaxBeta = 1e6;

void check_lattice(int L, double beta) {
  if (L < 3) throw std::invalid_argument(fmt::format("Ising: L must be at least 3, got {}", L));
  if (!(beta > 0) || beta > kMaxBeta)
    throw std::invalid_argument(
        fmt::format("Ising: beta must be in (0, {:g}], got {}", kMaxBeta, beta));
}

// cosh 2K and sinh 2K overflow at K ≈ 355. Below that the direct formulas are the most accurate
// (near T_c the logarithmic ones cancel); above it only logarithms fit in a double.
constexpr double kMaxDirect2K = 700;

// γ = acosh(c) for c = cosh 2K coth 2K − cos θ.
double gamma_of(double K, double cos_theta) {
  if (2 * K < kMaxDirect2K) return std::acosh(std::cosh(2 * K) / std::tanh(2 * K) - cos_theta);
  const double log_cosh_coth = log_2cosh(2 * K) - std::log(2.0) - std::log(std::tanh(2 * K));
  const double log_c = log_cosh_coth + std::log1p(-cos_theta * std::exp(-log_cosh_coth));
  return log_c + std::log1p(std::sqrt(-std::expm1(-2 * log_c)));
}

}  // namespace

double ising2d_log_partition(int L, double K) {
  check_lattice(L, K);
  const double n = L;
  // γ_k ≥ 0 from cosh γ_k = cosh 2K coth 2K − cos(πk/L), except γ_0 = 2(K − K*) with the dual
  // coupling K* = −½ ln tanh K: γ_0 < 0 above T_c, which flips the sign of the fourth term.
  auto gamma = [&](int k) {
    if (k == 0) return 2 * K + std::log(std::tanh(K));
    return gamma_of(K, std::cos(std::numbers::pi * k / n));
  };
  double l1 = 0, l2 = 0, l3 = 0, l4 = 0;
  int sign4 = 1;
  for (int r = 0; r < L; ++r) {
    const double odd = gamma(2 * r + 1), even = gamma(2 * r);
    l1 += log_2cosh(n * odd / 2);
    l2 += log_abs_2sinh(n * odd / 2);
    l3 += log_2cosh(n * even / 2);
    if (even == 0)
      sign4 = 0;
    else {
      l4 += log_abs_2sinh(n * even / 2);
      if (even < 0) sign4 = -sign4;
    }
  }
  const double log_2sinh_2K =
      2 * K < kMaxDirect2K ? std::log(2 * std::sinh(2 * K)) : log_abs_2sinh(2 * K);
  const double prefactor = -std::log(2.0) + 0.5 * n * n * log_2sinh_2K;
  return prefactor + log_signed_sum({{1, l1}, {1, l2}, {1, l3}, {sign4, l4}});
}

double ising2d_energy_per_bond(int L, double beta) {
  check_lattice(L, beta);
  // ln Z is analytic in β at finite L, so differences converge; h = 1e-3 with one Richardson
  // step leaves O(h⁴) truncation and ~1e-13·N/h rounding, both far below 1e-9.
  const double h = 1e-3 * std::max(beta, 0.05);
  auto central = [&](double step) {
    return (ising2d_log_partition(L, beta + step) - ising2d_log_partition(L, beta - step)) /
           (2 * step);
  };
  const double derivative = (4 * central(h / 2) - central(h)) / 3;
  return derivative / (2.0 * L * L);
}

double ising2d_coupling_min_eigenvalue(int L, double beta) {
  check_lattice(L, beta);
  double lo = std::numeric_limits<double>::infinity();
  for (int p = 0; p < L; ++p)
    for (int q = 0; q < L; ++q)
      lo = std::min(lo, beta * (2 * std::cos(2 * std::numbers::pi * p / L) +
                                2 * std::cos(2 * std::numbers::pi * q / L)));
  return lo;
}

IsingDual ising2d_dual(int L, double beta, std::optional<double> offset) {
  check_lattice(L, beta);
  const double lambda_min = ising2d_coupling_min_eigenvalue(L, beta);
  const double a = offset ? *offset : 0.1 - lambda_min;
  if (!(lambda_min + a > 0))
    throw std::invalid_argument(fmt::format(
        "offset {} does not make K + aI positive definite: its smallest eigenvalue would be {} "
        "(need offset > {})",
        a, lambda_min + a, -lambda_min));
  double log_det = 0;
  for (int p = 0; p < L; ++p)
    for (int q = 0; q < L; ++q)
      log_det += std::log(beta * (2 * std::cos(2 * std::numbers::pi * p / L) +
                                  2 * std::cos(2 * std::numbers::pi * q / L)) +
                          a);
  const double N = static_cast<double>(L) * L;
  const double log_z = ising2d_log_partition(L, beta);
  return {a, log_z, 0.5 * log_det,
          -log_z - 0.5 * log_det + 0.5 * N * (std::log(2 / std::numbers::pi) - a)};
}

}  // namespace neuralrg::exact
