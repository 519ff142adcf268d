// The masked affine coupling (the Real NVP layer) and the quadratic form through an operator.
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

using ConstRowMap = Eigen::Map<const RowVector>;

struct CouplingNode final : Node {
  CouplingNode(Node* y_, Node* s_, Node* t_, const Scalar* m, const Scalar* e, bool inv)
      : y(y_), s(s_), t(t_), mask(m), exp_s(e), inverse(inv) {}
  Node* y;
  Node* s;
  Node* t;
  const Scalar* mask;
  const Scalar* exp_s;  // e^{s} (generative) or e^{−s} (inverse), saved by the forward pass
  bool inverse;

  void backward() override {
    const ConstRowMap mask_map(mask, cols);
    const ConstMatrixMap e_map(exp_s, rows, cols);
    const MatrixMap g_map = adjoint();
    const auto m = mask_map.array();
    const auto e = e_map.array();
    const auto keep = g_map.array().rowwise() * m;         // masked inputs pass through
    const auto moved = g_map.array().rowwise() * (1 - m);  // the transformed half
    if (y->needs_grad) y->adjoint().array() += keep + moved * e;
    if (!inverse) {
      if (s->needs_grad) s->adjoint().array() += moved * y->value().array() * e;
      if (t->needs_grad) t->adjoint().array() += moved;
    } else {
      // y = (y' − t)·e^{−s}: ∂/∂t = −e^{−s}, ∂/∂s = −(y' − t)·e^{−s}
      if (s->needs_grad)
        s->adjoint().array() -= moved * (y->value().array() - t->value().array()) * e;
      if (t->needs_grad) t->adjoint().array() -= moved * e;
    }
  }
};

struct CouplingLogDetNode final : Node {
  CouplingLogDetNode(Node* s_, const Scalar* m, Scalar sign_) : s(s_), mask(m), sign(sign_) {}
  Node* s;
  const Scalar* mask;
  Scalar sign;
  void backward() override {
    if (!s->needs_grad) return;
    const ConstRowMap m(mask, s->cols);
    MatrixMap adj = s->adjoint();
    for (Index r = 0; r < rows; ++r) adj.row(r).array() += (sign * adjoint_data[r]) * (1 - m.array());
  }
};

struct QuadraticNode final : Node {
  QuadraticNode(Node* x_, const Scalar* ax) : x(x_), a_x(ax) {}
  Node* x;
  const Scalar* a_x;  // A·x per row, saved by the forward pass
  void backward() override {
    if (!x->needs_grad) return;
    x->adjoint().array() +=
        ConstMatrixMap(a_x, x->rows, x->cols).array().colwise() * adjoint().col(0).array();
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
    detail::shape_error(op, fmt::format("mask has {} entries for {} columns", mask.cols(),
                                        y.cols()));
  Tape& tape = y.tape();
  MatrixMap e = tape.scratch(y.rows(), y.cols());
  if (inverse)
    e.array() = (-s.value().array()).exp();
  else
    e.array() = s.value().array().exp();
  const bool grad = y.needs_grad() || s.needs_grad() || t.needs_grad();
  auto* out = tape.make_node<CouplingNode>(y.rows(), y.cols(), grad, y.node(), s.node(), t.node(),
                                           mask.data(), e.data(), inverse);
  const auto m = mask.array();
  const MatrixMap yv = y.value();
  MatrixMap value = out->value();
  if (inverse)
    value.array() = (yv.array() - t.value().array()) * e.array();
  else
    value.array() = yv.array() * e.array() + t.value().array();
  value.array() = (value.array().rowwise() * (1 - m)) + (yv.array().rowwise() * m);

  const Scalar sign = inverse ? Scalar(-1) : Scalar(1);
  auto* log_det = tape.make_node<CouplingLogDetNode>(y.rows(), 1, s.needs_grad(), s.node(),
                                                     mask.data(), sign);
  log_det->value().col(0) = sign * (s.value().array().rowwise() * (1 - m)).rowwise().sum();
  return {Var(out), Var(log_det)};
}

Var quadratic_form(Var x, const LinearOperator& A) {
  detail::require_var("quadratic_form", x);
  Tape& tape = x.tape();
  MatrixMap ax = tape.scratch(x.rows(), x.cols());
  A.apply(ConstMatrixMap(x.node()->value_data, x.rows(), x.cols()), ax);
  auto* node = tape.make_node<QuadraticNode>(x.rows(), 1, x.needs_grad(), x.node(), ax.data());
  node->value().col(0) = Scalar(0.5) * (x.value().array() * ax.array()).rowwise().sum();
  return Var(node);
}

}  // namespace neuralrg
