// linear: X·Wᵀ + b, the layer of every conditioner MLP.
#include "autodiff/check.hpp"
#include "autodiff/small_gemm.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

// Beyond these widths Eigen's blocked GEMM wins over the streaming kernel.
constexpr Index kSmallWidth = 32;

struct LinearNode final : Node {
  LinearNode(Node* x_, Node* w_, Node* b_) : x(x_), w(w_), b(b_) {}
  Node* x;
  Node* w;
  Node* b;  // may be null
  void backward() override {
    const MatrixMap g = adjoint();
    if (x->needs_grad) {
      // ∂/∂X = G·W: B(n = input k, k' = output j) = W(j, k), at j + k·out.
      if (w->rows <= kSmallWidth && w->cols <= kSmallWidth)
        detail::small_gemm(adjoint_data, rows, cols, w->value_data, w->rows, 1, w->cols,
                           x->adjoint_data, true, nullptr);
      else
        x->adjoint().noalias() += g * w->value();
    }
    if (w->needs_grad) {
      if (w->rows <= kSmallWidth && w->cols <= kSmallWidth) {
        // One long dot product per weight: Eigen's GEMM would spend its time packing.
        MatrixMap gw = w->adjoint();
        const MatrixMap xv = x->value();
        for (Index k = 0; k < gw.cols(); ++k)
          for (Index j = 0; j < gw.rows(); ++j) gw(j, k) += g.col(j).dot(xv.col(k));
      } else {
        w->adjoint().noalias() += g.transpose() * x->value();
      }
    }
    if (b && b->needs_grad) b->adjoint() += g.colwise().sum();
  }
};

}  // namespace

Var linear(Var x, Var W, Var b) {
  detail::require_var("linear", x);
  detail::require_var("linear", W);
  if (x.cols() != W.cols()) detail::shape_error("linear", "x.cols must equal W.cols", x, W);
  if (b && (b.rows() != 1 || b.cols() != W.rows()))
    detail::shape_error("linear", "bias must be 1×(W.rows)", W, b);
  const bool grad = x.needs_grad() || W.needs_grad() || (b && b.needs_grad());
  auto* node = x.tape().make_node<LinearNode>(x.rows(), W.rows(), grad, x.node(), W.node(),
                                              b ? b.node() : nullptr);
  if (W.rows() <= kSmallWidth && W.cols() <= kSmallWidth) {
    // B(n = output j, k) = W(j, k), at j + k·out.
    detail::small_gemm(x.node()->value_data, x.rows(), x.cols(), W.node()->value_data, 1,
                       W.rows(), W.rows(), node->value_data, false,
                       b ? b.node()->value_data : nullptr);
  } else {
    auto out = node->value();
    out.noalias() = x.value() * W.value().transpose();
    if (b) out.rowwise() += b.value().row(0);
  }
  return Var(node);
}

}  // namespace neuralrg
