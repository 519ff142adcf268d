// Lattice φ⁴ theory on the periodic L×L lattice, in the hopping-parameter form
//   S(φ) = Σ_x [ −2κ Σ_μ φ_x φ_{x+μ} + (1 − 2λ) φ_x² + λ φ_x⁴ ],
// a standard benchmark of lattice normalizing flows. A NeuralRG target: energy E(φ) = S(φ).
#pragma once

#include <neuralrg/neuralrg.hpp>

#include <string>
#include <vector>

namespace phi4 {

class Phi4 final : public neuralrg::Target {
 public:
  Phi4(neuralrg::Index L, double kappa, double lambda);

  std::vector<neuralrg::Index> lattice() const override { return {L_, L_}; }
  std::vector<neuralrg::Observable> observables() const override;

 private:
  // Called by Target::energy/measure/picture, which check the shapes around them.
  neuralrg::Var do_energy(neuralrg::Var phi) const override;
  void do_measure(const neuralrg::Matrix& phi, neuralrg::Rng& rng,
                  neuralrg::Matrix& out) const override;
  neuralrg::Picture do_picture(const neuralrg::Matrix& phi, neuralrg::Matrix& out) const override;

  neuralrg::Index L_;
  double kappa_, lambda_;
  // Site index of the right and lower neighbour of every site (periodic).
  std::vector<neuralrg::Index> right_, down_;
};

}  // namespace phi4
