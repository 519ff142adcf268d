// Estimators of what a trained flow learned, on configurations x ~ π from Markov chains: the
// latent variables of x, the mass-covering divergence KL(π‖q) and the response maps ∂z/∂x.
#pragma once

#include <functional>
#include <vector>

#include "flow/flow.hpp"
#include "neuralrg/target.hpp"

namespace neuralrg::analysis {

/// z = g⁻¹(x). With the Z₂-symmetrised flow q(x) = ½[q₀(x) + q₀(−x)], x is first replaced by
/// s·x with the sign s drawn with probability q₀(s·x) / [q₀(x) + q₀(−x)]: then z ~ p exactly
/// when x ~ q, whereas g⁻¹ of the half of x the bare flow does not cover lands far out in the
/// prior's tails. Flips those rows of x in place (so x stays paired with z) and returns z;
/// `log_q` receives ln q(x) of the (symmetrised) flow per row.
Matrix orient_and_invert(const Flow& flow, Matrix& x, Rng& rng, Eigen::VectorXd& log_q);

/// A mean with its standard error.
struct Estimate {
  double mean, stderr_;
};

/// KL(π‖q) = E_π[−E(x) − ln q(x)] + F with F = −ln Z exact: the mass-covering divergence, which
/// the training's reverse KL (bound − F) cannot see. The rows of x are independent chains, so the
/// error is the plain standard error of the mean.
Estimate forward_kl(const Target& target, const Matrix& x, const Eigen::VectorXd& log_q,
                    double free_energy);

/// E_x[∂z_i/∂x] (1 × sites) for each latent site i in `sites`. `after_chunk(rows_done)` runs
/// between chunks of rows, so a caller can report progress or stop.
std::vector<Matrix> responses(const Flow& flow, const Matrix& x, const std::vector<Index>& sites,
                              const std::function<void(Index)>& after_chunk = {});

}  // namespace neuralrg::analysis
