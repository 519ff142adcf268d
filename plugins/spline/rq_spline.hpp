// Monotone rational-quadratic splines (Durkan, Bekasov, Murray & Papamakarios, "Neural Spline
// Flows", 2019), one per element, with knots computed from unconstrained numbers: the transform of
// a spline coupling.
//
// Why splines: an affine coupling moves and stretches a variable but keeps the shape of its
// conditional density; a spline bends it, so a unimodal Gaussian variable can become a bimodal
// one in a single step (the dual variables of the Ising model are bimodal site by site).
#pragma once

#include <span>

#include <neuralrg/neuralrg.hpp>

namespace spline {

/// The shape every spline of a block shares: `bins` bins covering [−bound, bound], the identity
/// outside (slope 1 at both end knots, so the map is C¹).
struct SplineShape {
  int bins = 8;
  neuralrg::Scalar bound = 10;

  /// Unconstrained numbers per spline: bins widths and bins heights (each through a softmax,
  /// with a floor so no bin collapses) and the slopes at the bins − 1 inner knots (softplus,
  /// shifted so that 0 gives slope 1: all zeros is the identity).
  int params_per_spline() const { return 3 * bins - 1; }
};

/// y = x except in `columns`, where y(r, columns[c]) = f_rc(x(r, columns[c])) for the spline
/// f_rc whose parameter p (0 ≤ p < P = params_per_spline()) is theta(r, p·C + c), C =
/// columns.size(): theta is rows × P·C. log_det per row is Σ_c ln f_rc'. With inverse = true the
/// splines are inverted instead and log_det is Σ_c ln (f_rc⁻¹)'. `columns` must outlive the
/// tape's current step.
neuralrg::Transformed rq_spline(neuralrg::Var x, neuralrg::Var theta,
                                std::span<const neuralrg::Index> columns, const SplineShape& shape,
                                bool inverse);

}  // namespace spline
