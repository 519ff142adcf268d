// The masked affine coupling (the Real NVP layer) and the quadratic form through an operator.
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

using ConstRowMap = Eigen::Map<const RowVector>;

struct CouplingNode final : Node {
  CouplingNode(Node* y_, Node* s_, Node* t_, const Scalar* m, const Scalar* mc, const Scalar* e,
               bool inv)
      : y(y_), s(s_), t(t_), mask(m), complement(mc), exp_s(e), inverse(inv) {}
  Node* y;
  Node* s;
  Node* t;
  const Scalar* mask;
  const Scalar* complement;  // 1 − mask, in the arena: Eigen would materialise it per use
  const Scalar* exp_s;  // e^{s} (generative) or e^{−s} (inverse), saved by the forward pass
  bool inverse;

  void backward() override {
    // Plain loops: Eigen's rowwise broadcasting would materialise the mask rows on the heap.
    const Scalar* g = adjoint_data;
    const Scalar* yv = y->value_data;
    const Scalar* tv = t->value_data;
    Scalar* gy = y->needs_grad ? y->adjoint_data : nullptr;
    Scalar* gs = s->needs_grad ? s->adjoint_data : nullptr;
    Scalar* gt = t->needs_grad ? t->adjoint_data : nullptr;
    for (Index r = 0; r < rows; ++r)
      for (Index c = 0; c < cols; ++c) {
        const Index i = r * cols + c;
        const Scalar moved = g[i] * complement[c];  // the transformed half
        if (gy) gy[i] += g[i] * mask[c] + moved * exp_s[i];
        if (!inverse) {
          if (gs) gs[i] += moved * yv[i] * exp_s[i];
          if (gt) gt[i] += moved;
        } else {
          // y = (y' − t)·e^{−s}: ∂/∂t = −e^{−s}, ∂/∂s = −(y' − t)·e^{−s}
          if (gs) gs[i] -= moved * (yv[i] - tv[i]) * exp_s[i];
          if (gt) gt[i] -= moved * exp_s[i];
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
    const ConstRowMap mc(complement, s->cols);
    MatrixMap adj = s->adjoint();
    for (Index r = 0; r < rows; ++r) adj.row(r) += (sign * adjoint_data[r]) * mc;
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
    for (Index r = 0; r < rows; ++r) adj.row(r) += adjoint_data[r] * ax.row(r);
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
  MatrixMap complement = tape.scratch(1, y.cols());
  complement.array() = 1 - mask.array();
  auto* out = tape.make_node<CouplingNode>(y.rows(), y.cols(), grad, y.node(), s.node(), t.node(),
                                           mask.data(), complement.data(), e.data(), inverse);
  const auto m = mask.array();
  const auto mc = complement.row(0).array();
  const MatrixMap yv = y.value();
  MatrixMap value = out->value();
  if (inverse)
    value.array() = (yv.array() - t.value().array()) * e.array();
  else
    value.array() = yv.array() * e.array() + t.value().array();
  value.array() = (value.array().rowwise() * mc) + (yv.array().rowwise() * m);

  const Scalar sign = inverse ? Scalar(-1) : Scalar(1);
  auto* log_det = tape.make_node<CouplingLogDetNode>(y.rows(), 1, s.needs_grad(), s.node(),
                                                     complement.data(), sign);
  log_det->value().col(0).noalias() = sign * (s.value() * complement.row(0).transpose());
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
