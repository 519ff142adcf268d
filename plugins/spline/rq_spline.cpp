#include "rq_spline.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace spline {
namespace {

using namespace neuralrg;

// Floors that keep every bin invertible and every log-det finite: a bin is at least 0.1 % of a
// uniform bin, a slope at least 10⁻³.
constexpr double kMinBin = 1e-3, kMinSlope = 1e-3;

// One element's bin: its left knot (x_k, y_k), width, height, and the slopes at both ends.
struct Bin {
  int k;
  double x, w, y, h, d0, d1;
};

// The bin holding v, searched along the x knots (or the y knots for the inverse); false outside
// [−bound, bound), where the map is the identity.
bool locate(const MatrixMap& W, const MatrixMap& H, const MatrixMap& D, Index i, double v,
            bool by_height, double bound, Bin& bin) {
  if (!(v >= -bound && v < bound)) return false;
  const int bins = static_cast<int>(W.cols());
  double x = -bound, y = -bound;
  int k = 0;
  for (; k < bins - 1; ++k) {
    const double w = W(i, k), h = H(i, k);
    if (v < (by_height ? y + h : x + w)) break;
    x += w;
    y += h;
  }
  const double d0 = k == 0 ? 1.0 : static_cast<double>(D(i, k - 1));
  const double d1 = k == bins - 1 ? 1.0 : static_cast<double>(D(i, k));
  bin = {k, x, W(i, k), y, H(i, k), d0, d1};
  return true;
}

// The spline inside one bin at relative position ξ ∈ [0, 1]. With s = h/w, t = ξ(1 − ξ),
// a = d0 + d1 − 2s:
//   y = y_k + h·N/Den,  N = sξ² + d0·t,  Den = s + a·t,
//   ln y' = ln(s²G/Den²),  G = d1ξ² + 2s·t + d0(1 − ξ)².
struct Local {
  Local(const Bin& b, double xi_) : xi(xi_) {
    s = b.h / b.w;
    t = xi * (1 - xi);
    a = b.d0 + b.d1 - 2 * s;
    n = s * xi * xi + b.d0 * t;
    den = s + a * t;
    g = b.d1 * xi * xi + 2 * s * t + b.d0 * (1 - xi) * (1 - xi);
  }
  double value(const Bin& b) const { return b.y + b.h * n / den; }
  double log_slope() const { return std::log(s * s * g / (den * den)); }
  double xi, s, t, a, n, den, g;
};

// Partials of y and of ln y' with respect to ξ, s, d0 and d1 at fixed h, plus y's direct
// dependence on h: only the backward pass needs them, and the callers chain them to x, the knots
// and the widths.
struct Partials {
  Partials(const Bin& b, const Local& l) {
    const double xi = l.xi, t = l.t, s = l.s, n = l.n, den = l.den, g = l.g;
    const double den2 = den * den;
    y_xi = b.h * s * g / den2;
    y_s = b.h * (xi * xi * den - n * (1 - 2 * t)) / den2;
    y_d0 = b.h * t * (den - n) / den2;
    y_d1 = -b.h * t * n / den2;
    y_h = n / den;
    const double g_xi = 2 * b.d1 * xi + 2 * s * (1 - 2 * xi) - 2 * b.d0 * (1 - xi);
    l_xi = g_xi / g - 2 * l.a * (1 - 2 * xi) / den;
    l_s = 2 / s + 2 * t / g - 2 * (1 - 2 * t) / den;
    l_d0 = (1 - xi) * (1 - xi) / g - 2 * t / den;
    l_d1 = xi * xi / g - 2 * t / den;
  }
  double y_xi, y_s, y_d0, y_d1, y_h, l_xi, l_s, l_d0, l_d1;
};

// ξ of the point whose image is v (the root in [0, 1] of a quadratic, in the form that avoids
// cancellation).
double inverse_xi(const Bin& b, double v) {
  const double s = b.h / b.w, delta = v - b.y, a_ = b.d0 + b.d1 - 2 * s;
  const double qa = b.h * (s - b.d0) + delta * a_;
  const double qb = b.h * b.d0 - delta * a_;
  const double qc = -s * delta;
  const double disc = std::max(qb * qb - 4 * qa * qc, 0.0);
  return std::clamp(2 * qc / (-qb - std::sqrt(disc)), 0.0, 1.0);
}

// ln f' of each element: its adjoint is read by the SplineNode created right after it, which the
// backward sweep reaches first but only once every consumer of both outputs is done.
struct SplineLogDetNode final : Node {
  void backward() override {}
};

// The knots of every spline, from the unconstrained parameters (m × P, one row per spline):
// bin widths and heights (softmax with a floor, so they sum to the span) and the inner slopes
// (softplus, shifted so that 0 gives slope 1). Saved on the tape for the backward pass, with the
// softmax probabilities and the softplus derivatives it needs.
struct Knots {
  Knots(Tape& tape, const ConstMatrixMap& theta, const SplineShape& shape)
      : widths(tape.scratch(theta.rows(), shape.bins)),
        heights(tape.scratch(theta.rows(), shape.bins)),
        slopes(tape.scratch(theta.rows(), shape.bins - 1)),
        p_widths(tape.scratch(theta.rows(), shape.bins)),
        p_heights(tape.scratch(theta.rows(), shape.bins)),
        slope_sigmoid(tape.scratch(theta.rows(), shape.bins - 1)) {
    const Index bins = shape.bins, rows = theta.rows();
    const double span = 2 * static_cast<double>(shape.bound);
    scale = static_cast<Scalar>(span * (1 - kMinBin));
    const auto floor = static_cast<Scalar>(span * kMinBin / static_cast<double>(bins));
    // Temporaries on the arena too: a warm tape does not touch the heap.
    MatrixMap total = tape.scratch(rows, 1);
    softmax(theta.leftCols(bins), p_widths, total);
    softmax(theta.middleCols(bins, bins), p_heights, total);
    widths.array() = floor + scale * p_widths.array();
    heights.array() = floor + scale * p_heights.array();
    // softplus(θ + c) = 1 − kMinSlope at θ = 0, so zero parameters give slope 1 everywhere.
    const auto c = static_cast<Scalar>(std::log(std::expm1(1 - kMinSlope)));
    MatrixMap a = tape.scratch(rows, bins - 1), e = tape.scratch(rows, bins - 1);
    a.array() = theta.rightCols(bins - 1).array() + c;
    e.array() = (-a.array().abs()).exp();
    slopes.array() = a.array().max(Scalar(0)) + e.array().log1p() + static_cast<Scalar>(kMinSlope);
    slope_sigmoid.array() =
        (a.array() >= 0).select(1 / (1 + e.array()), e.array() / (1 + e.array()));
  }

  // Row-wise softmax of column-major logits, one vector pass per column.
  static void softmax(const Eigen::Ref<const Matrix>& logits, MatrixMap out, MatrixMap total) {
    auto top = out.col(0);
    top = logits.col(0);
    for (Index j = 1; j < logits.cols(); ++j) top = top.cwiseMax(logits.col(j));
    total.setZero();
    for (Index j = logits.cols() - 1; j >= 0; --j) {  // column 0 holds the maximum until last
      out.col(j).array() = (logits.col(j) - top).array().exp();
      total += out.col(j);
    }
    for (Index j = 0; j < logits.cols(); ++j) out.col(j).array() /= total.array();
  }

  MatrixMap widths, heights, slopes, p_widths, p_heights, slope_sigmoid;
  Scalar scale = 0;  // ∂width_j/∂p_j (the same for heights)
};

// Gradients with respect to one element's bin: the input, the left knot, width, height, slopes.
struct BinGradient {
  double u, x, w, y, h, d0, d1;
};

struct SplineNode final : Node {
  SplineNode(Node* u_, Node* theta_, Node* log_det_, const Knots& knots_, double bound_, bool inv)
      : u(u_), theta(theta_), log_det(log_det_), knots(knots_), bound(bound_), inverse(inv) {}
  Node* u;
  Node* theta;
  Node* log_det;
  Knots knots;  // views of the arena, alive as long as the node
  double bound;
  bool inverse;

  bool locate_row(Index i, double v, Bin& b) const {
    return locate(knots.widths, knots.heights, knots.slopes, i, v, inverse, bound, b);
  }

  void evaluate() {
    const ConstMatrixMap in = std::as_const(*u).value();
    MatrixMap out = value(), ld = log_det->value();
    for (Index i = 0; i < rows; ++i) {
      const double v = in(i, 0);
      Bin b;
      if (!locate_row(i, v, b)) {
        out(i, 0) = in(i, 0);
        ld(i, 0) = 0;
        continue;
      }
      if (inverse) {
        const Local l(b, inverse_xi(b, v));
        out(i, 0) = static_cast<Scalar>(b.x + b.w * l.xi);
        ld(i, 0) = static_cast<Scalar>(-l.log_slope());
      } else {
        const Local l(b, (v - b.x) / b.w);
        out(i, 0) = static_cast<Scalar>(l.value(b));
        ld(i, 0) = static_cast<Scalar>(l.log_slope());
      }
    }
  }

  // gv, gl: the adjoints of the output and of its log-slope.
  BinGradient element_gradient(const Bin& b, double v, double gv, double gl) const {
    BinGradient g{};
    const Local l(b, inverse ? inverse_xi(b, v) : (v - b.x) / b.w);
    const Partials d(b, l);
    if (!inverse) {
      const double a_xi = gv * d.y_xi + gl * d.l_xi, a_s = gv * d.y_s + gl * d.l_s;
      g.u = a_xi / b.w;
      g.x = -g.u;
      g.w = -(a_xi * l.xi + a_s * l.s) / b.w;
      g.y = gv;
      g.h = gv * d.y_h + a_s / b.w;
      g.d0 = gv * d.y_d0 + gl * d.l_d0;
      g.d1 = gv * d.y_d1 + gl * d.l_d1;
      return g;
    }
    // x = x_k + w·ξ and −ln f'(ξ), with ξ defined implicitly by f(ξ) = v: ∂ξ/∂q = −∂f/∂q / f_ξ.
    const double c = (gv * b.w - gl * d.l_xi) / d.y_xi;
    const double a_s = -c * d.y_s - gl * d.l_s;
    g.u = c;
    g.x = gv;
    g.y = -c;
    g.h = -c * d.y_h + a_s / b.w;
    g.w = gv * l.xi - a_s * l.s / b.w;
    g.d0 = -c * d.y_d0 - gl * d.l_d0;
    g.d1 = -c * d.y_d1 - gl * d.l_d1;
    return g;
  }

  // Bin sizes are floor + scale·softmax(θ); the left knot is the sum of the sizes before the
  // bin, so size j < k receives g_knot, size k receives g_size, and the softmax maps
  // (gradient per size) to (gradient per logit): scale·p_j·(g_j − Σ_i p_i g_i).
  void softmax_backward(const MatrixMap& p, Index i, int k, double g_knot, double g_size,
                        MatrixMap g_theta, Index first) const {
    double below = 0;
    for (int j = 0; j < k; ++j) below += p(i, j);
    const double mean = g_knot * below + g_size * p(i, k);
    const double scale = knots.scale;
    for (Index j = 0; j < p.cols(); ++j) {
      const double g = j < k ? g_knot : (j == k ? g_size : 0.0);
      g_theta(i, first + j) += static_cast<Scalar>(scale * p(i, j) * (g - mean));
    }
  }

  void backward() override {
    const ConstMatrixMap in = std::as_const(*u).value();
    const MatrixMap &p_w = knots.p_widths, &p_h = knots.p_heights, &sigmoid = knots.slope_sigmoid;
    const MatrixMap g_out = adjoint(), g_ld = log_det->adjoint();
    const int bins = static_cast<int>(p_w.cols());
    for (Index i = 0; i < rows; ++i) {
      const double v = in(i, 0);
      Bin b;
      if (!locate_row(i, v, b)) {
        if (u->needs_grad) u->adjoint()(i, 0) += g_out(i, 0);
        continue;
      }
      const BinGradient g = element_gradient(b, v, g_out(i, 0), g_ld(i, 0));
      if (u->needs_grad) u->adjoint()(i, 0) += static_cast<Scalar>(g.u);
      if (!theta->needs_grad) continue;
      MatrixMap g_theta = theta->adjoint();
      softmax_backward(p_w, i, b.k, g.x, g.w, g_theta, 0);
      softmax_backward(p_h, i, b.k, g.y, g.h, g_theta, bins);
      // The end knots' slopes are fixed at 1; softplus' derivative is the sigmoid.
      if (b.k > 0)
        g_theta(i, 2 * bins + b.k - 1) += static_cast<Scalar>(g.d0 * sigmoid(i, b.k - 1));
      if (b.k < bins - 1) g_theta(i, 2 * bins + b.k) += static_cast<Scalar>(g.d1 * sigmoid(i, b.k));
    }
  }
};

}  // namespace

Transformed rq_spline(Var x, Var theta, std::span<const Index> columns, const SplineShape& shape,
                      bool inverse) {
  const Index rows = x.rows(), n_cols = static_cast<Index>(columns.size());
  const Index per_spline = shape.params_per_spline();
  if (theta.rows() != rows || theta.cols() != per_spline * n_cols)
    throw std::invalid_argument("rq_spline: theta is " + std::to_string(theta.rows()) + "×" +
                                std::to_string(theta.cols()) + ", expected " +
                                std::to_string(rows) + "×" + std::to_string(per_spline * n_cols));
  const Index m = rows * n_cols;  // one spline per row and listed column, column-major
  Var u = reshape(gather_cols(x, columns), m, 1);
  Var params = reshape(theta, m, per_spline);
  Tape& tape = x.tape();
  const Knots knots(tape, std::as_const(*params.node()).value(), shape);
  const bool grad = u.needs_grad() || params.needs_grad();
  auto* log_slope = tape.make_node<SplineLogDetNode>(m, 1, grad);
  auto* out = tape.make_node<SplineNode>(m, 1, grad, u.node(), params.node(), log_slope, knots,
                                         static_cast<double>(shape.bound), inverse);
  out->evaluate();
  return {scatter_cols(x, reshape(Var(out), rows, n_cols), columns),
          row_sum(reshape(Var(log_slope), rows, n_cols))};
}

}  // namespace spline
