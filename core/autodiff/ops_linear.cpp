// linear: X·Wᵀ + b, the layer of every conditioner MLP.
#include "autodiff/check.hpp"
#include "autodiff/small_gemm.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

// Beyond these widths Eigen's blocked GEMM wins over the streaming kernel.
constexpr Index kSmallWidth = 32;

// Pushes g (the adjoint of x·Wᵀ + b) into x, W and b.
void linear_backward(const Scalar* g_data, Index rows, Node* x, Node* w, Node* b) {
  const MatrixMap g(const_cast<Scalar*>(g_data), rows, w->rows);
  const bool small = w->rows <= kSmallWidth && w->cols <= kSmallWidth;
  if (x->needs_grad) {
    // ∂/∂X = G·W: B(n = input k, k' = output j) = W(j, k), at j + k·out.
    if (small)
      detail::small_gemm(g_data, rows, w->rows, w->value_data, w->rows, 1, w->cols, x->adjoint_data,
                         true, nullptr);
    else
      x->adjoint().noalias() += g * w->value();
  }
  if (w->needs_grad) {
    if (small)
      detail::small_gemm_tn(g_data, rows, w->rows, x->value_data, w->cols, w->adjoint_data);
    else
      w->adjoint().noalias() += g.transpose() * x->value();
  }
  if (b && b->needs_grad) b->adjoint() += g.colwise().sum();
}

struct LinearNode final : Node {
  LinearNode(Node* x_, Node* w_, Node* b_) : x(x_), w(w_), b(b_) {}
  Node* x;
  Node* w;
  Node* b;  // may be null
  void backward() override { linear_backward(adjoint_data, rows, x, w, b); }
};

struct DenseNode final : Node {
  DenseNode(Node* x_, Node* w_, Node* b_, Activation a) : x(x_), w(w_), b(b_), act(a) {}
  Node* x;
  Node* w;
  Node* b;
  Activation act;
  void backward() override {
    // The activation's derivative from its output y alone: ELU' = min(y, 0) + 1, tanh' = 1 − y².
    MatrixMap g = tape->scratch(rows, cols);
    const auto y = value().array();
    switch (act) {
      case Activation::Identity:
        g = adjoint();
        break;
      case Activation::Elu:
        g.array() = adjoint().array() * (y.min(Scalar(0)) + 1);
        break;
      case Activation::Tanh:
        g.array() = adjoint().array() * (1 - y.square());
        break;
    }
    linear_backward(g.data(), rows, x, w, b);
  }
};

void check_linear(const char* op, Var x, Var W, Var b) {
  detail::require_var(op, x);
  detail::require_var(op, W);
  if (x.cols() != W.cols()) detail::shape_error(op, "x.cols must equal W.cols", x, W);
  if (b && (b.rows() != 1 || b.cols() != W.rows()))
    detail::shape_error(op, "bias must be 1×(W.rows)", W, b);
}

// Returns whether the activation was already applied (fused into the small kernel).
bool linear_forward(Var x, Var W, Var b, MatrixMap out, Activation act = Activation::Identity) {
  if (W.rows() <= kSmallWidth && W.cols() <= kSmallWidth) {
    const auto epilogue = act == Activation::Elu    ? detail::Epilogue::Elu
                          : act == Activation::Tanh ? detail::Epilogue::Tanh
                                                    : detail::Epilogue::None;
    // B(n = output j, k) = W(j, k), at j + k·out.
    detail::small_gemm(x.node()->value_data, x.rows(), x.cols(), W.node()->value_data, 1, W.rows(),
                       W.rows(), out.data(), false, b ? b.node()->value_data : nullptr, epilogue);
    return true;
  }
  out.noalias() = x.value() * W.value().transpose();
  if (b) out.rowwise() += b.value().row(0);
  return false;
}

bool any_grad(Var x, Var W, Var b) {
  return x.needs_grad() || W.needs_grad() || (b && b.needs_grad());
}

}  // namespace

Var linear(Var x, Var W, Var b) {
  check_linear("linear", x, W, b);
  auto* node = x.tape().make_node<LinearNode>(x.rows(), W.rows(), any_grad(x, W, b), x.node(),
                                              W.node(), b ? b.node() : nullptr);
  linear_forward(x, W, b, node->value());
  return Var(node);
}

Var dense(Var x, Var W, Var b, Activation act) {
  check_linear("dense", x, W, b);
  auto* node = x.tape().make_node<DenseNode>(x.rows(), W.rows(), any_grad(x, W, b), x.node(),
                                             W.node(), b ? b.node() : nullptr, act);
  MatrixMap out = node->value();
  if (linear_forward(x, W, b, out, act)) return Var(node);
  switch (act) {
    case Activation::Identity:
      break;
    case Activation::Elu:
      out.array() = out.array().max(Scalar(0)) + out.array().min(Scalar(0)).exp() - 1;
      break;
    case Activation::Tanh:
      out.array() = 1 - 2 / ((2 * out.array()).exp() + 1);
      break;
  }
  return Var(node);
}

}  // namespace neuralrg
