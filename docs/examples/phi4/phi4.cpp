#include "phi4.hpp"

#include <cmath>

namespace phi4 {

using namespace neuralrg;

Phi4::Phi4(Index L, double kappa, double lambda) : L_(L), kappa_(kappa), lambda_(lambda) {
  for (Index i = 0; i < L; ++i)
    for (Index j = 0; j < L; ++j) {
      right_.push_back(i * L + (j + 1) % L);
      down_.push_back(((i + 1) % L) * L + j);
    }
}

// The base class has checked that phi has L² columns, and checks that this returns rows×1.
Var Phi4::do_energy(Var phi) const {
  // Built from tape ops only, so the gradient (for training and HMC) comes for free.
  const Var neighbours = add(gather_cols(phi, right_), gather_cols(phi, down_));
  const Var phi2 = square(phi);
  const Var site = add(add(scale(mul(phi, neighbours), -2 * kappa_), scale(phi2, 1 - 2 * lambda_)),
                       scale(square(phi2), lambda_));
  return row_sum(site);
}

std::vector<Observable> Phi4::observables() const {
  std::vector<Observable> out = {
      {"abs_magnetization", "⟨|m|⟩ with m = Σ_x φ_x / N", std::nullopt},
      {"susceptibility", "χ = N ⟨m²⟩ (the connected one in the symmetric phase)", std::nullopt}};
  for (Index r = 1; r <= L_ / 2; ++r)
    out.push_back({"G_" + std::to_string(r),
                   "two-point function ⟨φ_x φ_{x+r}⟩ along both axes, r = " + std::to_string(r),
                   std::nullopt});
  return out;
}

void Phi4::do_measure(const Matrix& phi, Rng&, Matrix& out) const {
  const Index N = L_ * L_;  // out arrives sized rows × observables().size()
  for (Index row = 0; row < phi.rows(); ++row) {
    const double m = phi.row(row).sum() / static_cast<double>(N);
    out(row, 0) = std::abs(m);
    out(row, 1) = static_cast<double>(N) * m * m;
    for (Index r = 1; r <= L_ / 2; ++r) {
      double g = 0;
      for (Index i = 0; i < L_; ++i)
        for (Index j = 0; j < L_; ++j)
          g += phi(row, i * L_ + j) *
               (phi(row, i * L_ + (j + r) % L_) + phi(row, ((i + r) % L_) * L_ + j));
      out(row, 1 + r) = g / (2.0 * N);
    }
  }
}

Picture Phi4::do_picture(const Matrix& phi, Matrix& out) const {
  out = phi;
  return {"φ", -2, 2};
}

namespace {

void register_factories(Registry& registry) {
  Schema s;
  s.integer("L", 8, "Linear lattice size (periodic L×L; a power of two for the flow).")
      .range(2, 1024);
  s.real("kappa", 0.2, "Hopping parameter κ.").range(0, std::nullopt);
  s.real("lambda", 0.022, "Quartic coupling λ.").range(0, std::nullopt);
  registry.add_target("phi4", "Lattice φ⁴ theory, S = Σ[−2κ Σ_μ φ_x φ_{x+μ} + (1−2λ)φ² + λφ⁴].", s,
                      [](const Params& p, const TargetContext&) {
                        return std::make_unique<Phi4>(p.integer("L"), p.real("kappa"),
                                                      p.real("lambda"));
                      });
}

}  // namespace
}  // namespace phi4

NEURALRG_PLUGIN("phi4", "1.0.0", phi4::register_factories)
