// The masked affine coupling (the Real NVP layer) and the quadratic form through an operator.
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

struct CouplingNode final : Node {
  CouplingNode(Node* y_, Node* s_, Node* t_, const Scalar* m, const Scalar* e, bool inv)
      : y(y_), s(s_), t(t_), mask(m), exp_s(e), inverse(inv) {}
  Node* y;
  Node* s;
  Node* t;
  const Scalar* mask;
  const Scalar* exp_s;  // e^{s} (generative) or e^{−s} (inverse) in the updated columns
  bool inverse;

  void backward() override {
    // Column by column: the mask is constant along a column, and columns are contiguous.
    const MatrixMap g = adjoint();
    const ConstMatrixMap e(exp_s, rows, cols);
    for (Index c = 0; c < cols; ++c) {
      if (mask[c] != 0) {  // passed through unchanged
        if (y->needs_grad) y->adjoint().col(c) += g.col(c);
        continue;
      }
      if (y->needs_grad) y->adjoint().col(c).array() += g.col(c).array() * e.col(c).array();
      if (!inverse) {
        if (s->needs_grad)
          s->adjoint().col(c).array() +=
              g.col(c).array() * y->value().col(c).array() * e.col(c).array();
        if (t->needs_grad) t->adjoint().col(c) += g.col(c);
      } else {
        // y = (y' − t)·e^{−s}: ∂/∂t = −e^{−s}, ∂/∂s = −(y' − t)·e^{−s}
        if (s->needs_grad)
          s->adjoint().col(c).array() -= g.col(c).array() *
                                         (y->value().col(c).array() - t->value().col(c).array()) *
                                         e.col(c).array();
        if (t->needs_grad) t->adjoint().col(c).array() -= g.col(c).array() * e.col(c).array();
      }
    }
  }
};

struct CouplingLogDetNode final : Node {
  CouplingLogDetNode(Node* s_, const Scalar* mc, Scalar sign_)
      : s(s_), complement(mc), sign(sign_) {}
  Node* s;
  const Scalar* complement;  // 1 − mask
  Scalar sign;
  void backward() override {
    if (!s->needs_grad) return;
    MatrixMap adj = s->adjoint();
    const MatrixMap g = adjoint();
    for (Index c = 0; c < adj.cols(); ++c)
      if (complement[c] != 0) adj.col(c) += (sign * complement[c]) * g.col(0);
  }
};

struct QuadraticNode final : Node {
  QuadraticNode(Node* x_, const Scalar* ax) : x(x_), a_x(ax) {}
  Node* x;
  const Scalar* a_x;  // A·x per row, saved by the forward pass
  void backward() override {
    if (!x->needs_grad) return;
    const ConstMatrixMap ax(a_x, x->rows, x->cols);
    MatrixMap adj = x->adjoint();
    const MatrixMap g = adjoint();
    for (Index c = 0; c < adj.cols(); ++c)
      adj.col(c).array() += g.col(0).array() * ax.col(c).array();
  }
};

}  // namespace

Transformed affine_coupling(Var y, Var s, Var t, const RowVector& mask, bool inverse) {
  const char* op = "affine_coupling";
  detail::require_var(op, y);
  detail::require_var(op, s);
  detail::require_var(op, t);
  if (s.rows() != y.rows() || s.cols() != y.cols()) detail::shape_error(op, "s must match y", y, s);
  if (t.rows() != y.rows() || t.cols() != y.cols()) detail::shape_error(op, "t must match y", y, t);
  if (mask.cols() != y.cols())
    detail::shape_error(op,
                        fmt::format("mask has {} entries for {} columns", mask.cols(), y.cols()));
  Tape& tape = y.tape();
  // e^{±s} only where the mask updates: the passed-through columns never read it.
  MatrixMap e = tape.scratch(y.rows(), y.cols());
  for (Index c = 0; c < y.cols(); ++c) {
    if (mask(c) != 0) continue;
    if (inverse)
      e.col(c).array() = (-s.value().col(c).array()).exp();
    else
      e.col(c).array() = s.value().col(c).array().exp();
  }
  const bool grad = y.needs_grad() || s.needs_grad() || t.needs_grad();
  MatrixMap kept_mask = tape.scratch(1, y.cols());
  kept_mask = mask;
  MatrixMap complement = tape.scratch(1, y.cols());
  complement.array() = 1 - mask.array();
  auto* out = tape.make_node<CouplingNode>(y.rows(), y.cols(), grad, y.node(), s.node(), t.node(),
                                           kept_mask.data(), e.data(), inverse);
  const MatrixMap yv = y.value();
  const MatrixMap tv = t.value();
  MatrixMap value = out->value();
  for (Index c = 0; c < y.cols(); ++c) {
    if (mask(c) != 0)
      value.col(c) = yv.col(c);
    else if (inverse)
      value.col(c).array() = (yv.col(c).array() - tv.col(c).array()) * e.col(c).array();
    else
      value.col(c).array() = yv.col(c).array() * e.col(c).array() + tv.col(c).array();
  }

  const Scalar sign = inverse ? Scalar(-1) : Scalar(1);
  auto* log_det = tape.make_node<CouplingLogDetNode>(y.rows(), 1, s.needs_grad(), s.node(),
                                                     complement.data(), sign);
  MatrixMap ld = log_det->value();
  ld.setZero();
  for (Index c = 0; c < y.cols(); ++c)
    if (complement(0, c) != 0) ld.col(0) += (sign * complement(0, c)) * s.value().col(c);
  return {Var(out), Var(log_det)};
}

Var quadratic_form(Var x, const LinearOperator& A) {
  detail::require_var("quadratic_form", x);
  Tape& tape = x.tape();
  MatrixMap ax = tape.scratch(x.rows(), x.cols());
  A.apply(ConstMatrixMap(x.node()->value_data, x.rows(), x.cols()), ax);
  auto* node = tape.make_node<QuadraticNode>(x.rows(), 1, x.needs_grad(), x.node(), ax.data());
  MatrixMap out = node->value();
  out.setZero();
  for (Index c = 0; c < x.cols(); ++c)
    out.col(0).array() += Scalar(0.5) * x.value().col(c).array() * ax.col(c).array();
  return Var(node);
}

}  // namespace neuralrg
