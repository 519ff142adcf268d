#include "ising_dual.hpp"

#include <cmath>

namespace ising_dual {

using namespace neuralrg;

std::vector<Observable> IsingDual::observables() const {
  // Exact values: the energy from Kaufman at any L, the rest by enumeration where it is cheap.
  std::optional<double> structure, magnetization;
  if (L_ * L_ <= 16) {
    const auto e = exact::ising2d_enumerate(L_, beta_);
    structure = e.structure_factor;
    magnetization = e.abs_magnetization;
  }
  return {{"structure_factor", "⟨(Σ s)²⟩/N², improved estimator from tanh x", structure},
          {"energy_per_bond", "⟨s_i s_j⟩ over bonds, improved estimator tanh x_i tanh x_j",
           exact::ising2d_energy_per_bond(L_, beta_)},
          {"abs_magnetization", "⟨|Σ s|⟩/N from spins drawn given x", magnetization}};
}

Var IsingDual::do_energy(Var x) const {
  return sub(quadratic_form(x, inverse_), row_sum(log_cosh(x)));
}

Picture IsingDual::do_picture(const Matrix& x, Matrix& out) const {
  out = (0.5 * (1 + x.array().tanh())).matrix();
  return {"P(s = +1 | x)", 0, 1};
}

void IsingDual::do_measure(const Matrix& x, Rng& rng, Matrix& out) const {
  const Index N = static_cast<Index>(L_) * L_;
  for (Index r = 0; r < x.rows(); ++r) {
    double sum = 0, sum_sq = 0, bonds = 0;
    int spins = 0;
    for (int i = 0; i < L_; ++i)
      for (int j = 0; j < L_; ++j) {
        const double t = std::tanh(x(r, i * L_ + j));
        sum += t;
        sum_sq += t * t;
        bonds +=
            t * (std::tanh(x(r, i * L_ + (j + 1) % L_)) + std::tanh(x(r, ((i + 1) % L_) * L_ + j)));
        // P(s = +1 | x) = 1 / (1 + e^{−2x}) = (1 + tanh x)/2
        spins += rng.uniform() < 0.5 * (1 + t) ? 1 : -1;
      }
    out(r, 0) = (sum * sum - sum_sq + static_cast<double>(N)) / (double(N) * N);
    out(r, 1) = bonds / (2.0 * N);
    out(r, 2) = std::abs(spins) / static_cast<double>(N);
  }
}

namespace {

void register_factories(Registry& registry) {
  Schema s;
  s.integer("L", std::nullopt, "Linear lattice size (periodic L×L; the flow needs a power of two).")
      .range(3, 4096);
  s.real("beta", std::nullopt, "Inverse temperature, or critical for β_c = ln(1+√2)/2.")
      .range(0, 1e6)  // the exact results' range (core/physics/ising_exact.cpp)
      .keywords({"critical"});
  s.real("offset", std::nullopt, "a in K + aI, or auto for 0.1 − λ_min(K).")
      .keywords({"auto"})
      .default_text = "auto";
  registry.add_target(
      "ising_dual", "Continuous dual of the 2D Ising model (Li & Wang Eq. 7), exact F known.", s,
      [](const Params& p, const TargetContext&) -> std::unique_ptr<Target> {
        const int L = static_cast<int>(p.integer("L"));
        const double beta = p.is_keyword("beta") ? exact::kIsingBetaCritical : p.real("beta");
        if (!(beta > 0)) throw p.error("beta", "expected a positive number");
        std::optional<double> offset;
        if (!p.is_keyword("offset")) offset = p.real("offset");
        try {
          return std::make_unique<IsingDual>(L, beta, exact::ising2d_dual(L, beta, offset));
        } catch (const std::invalid_argument& e) {
          throw p.error("offset", e.what());
        }
      });
  register_swendsen_wang(registry);
}

}  // namespace
}  // namespace ising_dual

NEURALRG_PLUGIN("ising_dual", "1.0.0", ising_dual::register_factories)
