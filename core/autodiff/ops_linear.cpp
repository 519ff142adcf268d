// linear: X·Wᵀ + b, the layer of every conditioner MLP.
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

struct LinearNode final : Node {
  LinearNode(Node* x_, Node* w_, Node* b_) : x(x_), w(w_), b(b_) {}
  Node* x;
  Node* w;
  Node* b;  // may be null
  void backward() override {
    auto g = adjoint();
    if (x->needs_grad) x->adjoint().noalias() += g * w->value();
    if (w->needs_grad) w->adjoint().noalias() += g.transpose() * x->value();
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
  auto out = node->value();
  out.noalias() = x.value() * W.value().transpose();
  if (b) out.rowwise() += b.value().row(0);
  return Var(node);
}

}  // namespace neuralrg
