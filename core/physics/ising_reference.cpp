#include "physics/ising_reference.hpp"

#include <fmt/format.h>
#include <Eigen/Eigenvalues>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

namespace neuralrg::exact {

IsingAverages ising2d_enumerate(int L, double beta) {
  if (L < 3 || L * L > 20)
    throw std::invalid_argument(fmt::format("enumeration needs 3 ≤ L and L·L ≤ 20, got L = {}", L));
  const int N = L * L;
  const double bonds = 2.0 * N;
  // Accumulate with weights relative to the ground state so nothing overflows.
  const double shift = beta * bonds;
  double z = 0, s2 = 0, e = 0, m = 0;
  for (std::uint32_t state = 0; state < (1u << N); ++state) {
    auto spin = [&](int i, int j) {
      const int site = ((i + L) % L) * L + (j + L) % L;
      return (state >> site) & 1u ? 1 : -1;
    };
    int bond_sum = 0, total = 0;
    for (int i = 0; i < L; ++i)
      for (int j = 0; j < L; ++j) {
        bond_sum += spin(i, j) * (spin(i, j + 1) + spin(i + 1, j));
        total += spin(i, j);
      }
    const double w = std::exp(beta * bond_sum - shift);
    z += w;
    s2 += w * total * total;
    e += w * bond_sum;
    m += w * std::abs(total);
  }
  return {std::log(z) + shift, s2 / z / (double(N) * N), e / z / bonds, m / z / N};
}

}  // namespace neuralrg::exact

namespace neuralrg::physics {

double ising_log_z_transfer_matrix(int L, double beta) {
  if (L < 3 || L > 10)
    throw std::invalid_argument(fmt::format("transfer matrix needs 3 ≤ L ≤ 10, got {}", L));
  const int states = 1 << L;
  auto spin = [](int row, int j) { return (row >> j) & 1 ? 1 : -1; };
  // Symmetric form T = D^{1/2} V D^{1/2}: D holds the bonds within a row, V those between rows.
  std::vector<double> within(states);
  for (int s = 0; s < states; ++s) {
    int sum = 0;
    for (int j = 0; j < L; ++j) sum += spin(s, j) * spin(s, (j + 1) % L);
    within[s] = beta * sum;
  }
  Eigen::MatrixXd T(states, states);
  for (int s = 0; s < states; ++s)
    for (int t = 0; t < states; ++t) {
      int between = 0;
      for (int j = 0; j < L; ++j) between += spin(s, j) * spin(t, j);
      T(s, t) = std::exp(0.5 * within[s] + beta * between + 0.5 * within[t] - 2 * beta * L);
    }
  const Eigen::VectorXd lambda =
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(T, Eigen::EigenvaluesOnly).eigenvalues();
  const double top = lambda.cwiseAbs().maxCoeff();
  double sum = 0;
  for (Eigen::Index i = 0; i < lambda.size(); ++i) sum += std::pow(lambda(i) / top, L);
  return L * std::log(top) + std::log(sum) + 2.0 * beta * L * L;
}

}  // namespace neuralrg::physics
