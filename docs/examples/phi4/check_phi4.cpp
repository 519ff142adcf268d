// Conformance of the φ⁴ target: the SDK's check_target (finite energies per sample, ∂S/∂φ against
// finite differences, row independence, observables filled and reproducible), and the action
// against a hand computation for two configurations.
#include <neuralrg/testing.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include "phi4.hpp"

namespace {

int failures = 0;

void expect(bool ok, const char* what, const std::string& detail = "") {
  std::printf("%s %s %s\n", ok ? "ok  " : "FAIL", what, detail.c_str());
  failures += !ok;
}

// Equal up to rounding in the build's Scalar (double, or float with -DNEURALRG_SCALAR=float).
bool close(double a, double b) {
  const double eps = std::numeric_limits<neuralrg::Scalar>::epsilon();
  return std::abs(a - b) <= 64 * eps * (1 + std::abs(b));
}

}  // namespace

int main() {
  using namespace neuralrg;
  const Index L = 4;
  const double kappa = 0.3, lambda = 0.05;
  phi4::Phi4 target(L, kappa, lambda);

  // A constant field φ = c: each site has 2 bonds (right and down), so
  // S = N [−4κc² + (1 − 2λ)c² + λc⁴].
  const double c = 0.7;
  Tape tape;
  const Matrix constant = Matrix::Constant(1, L * L, c);
  const double s = target.energy(tape.constant(constant)).value()(0, 0);
  const double expected =
      L * L * (-4 * kappa * c * c + (1 - 2 * lambda) * c * c + lambda * c * c * c * c);
  expect(close(s, expected), "constant field action",
         std::to_string(s) + " vs " + std::to_string(expected));

  // A single excited site: only its own terms, no bonds.
  Matrix single = Matrix::Zero(1, L * L);
  single(0, 5) = 1.5;
  tape.reset();
  const double s1 = target.energy(tape.constant(single)).value()(0, 0);
  const double e1 = (1 - 2 * lambda) * 2.25 + lambda * 2.25 * 2.25;
  expect(close(s1, e1), "single-site action");

  const auto report = testing::check_target(target);
  expect(report.ok, "check_target", report.message);
  return failures == 0 ? 0 : 1;
}
