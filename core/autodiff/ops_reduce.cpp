// Reductions: row sums and means, totals, logsumexp over each row.
#include <cmath>

#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

struct RowSumNode final : Node {
  RowSumNode(Node* in, Scalar f) : input(in), factor(f) {}
  Node* input;
  Scalar factor;  // 1 for sums, 1/cols for means
  void backward() override {
    if (!input->needs_grad) return;
    MatrixMap adj = input->adjoint();
    const MatrixMap g = adjoint();
    for (Index c = 0; c < adj.cols(); ++c) adj.col(c) += factor * g.col(0);
  }
};

struct TotalNode final : Node {
  TotalNode(Node* in, Scalar f) : input(in), factor(f) {}
  Node* input;
  Scalar factor;
  void backward() override {
    if (input->needs_grad) input->adjoint().array() += factor * adjoint_data[0];
  }
};

struct LogSumExpNode final : Node {
  explicit LogSumExpNode(Node* in) : input(in) {}
  Node* input;
  void backward() override {
    if (!input->needs_grad) return;
    const ConstMatrixMap in(input->value_data, input->rows, input->cols);
    MatrixMap adj = input->adjoint();
    const MatrixMap g = adjoint();
    const MatrixMap out = value();
    for (Index c = 0; c < adj.cols(); ++c)
      adj.col(c).array() += g.col(0).array() * (in.col(c).array() - out.col(0).array()).exp();
  }
};

Var row_reduce(const char* op, Var x, bool mean) {
  detail::require_var(op, x);
  const Scalar factor = mean ? Scalar(1) / static_cast<Scalar>(x.cols()) : Scalar(1);
  auto* node = x.tape().make_node<RowSumNode>(x.rows(), 1, x.needs_grad(), x.node(), factor);
  node->value().col(0) = factor * x.value().rowwise().sum();
  return Var(node);
}

Var total(const char* op, Var x, bool mean) {
  detail::require_var(op, x);
  const Scalar factor = mean ? Scalar(1) / static_cast<Scalar>(x.rows() * x.cols()) : Scalar(1);
  auto* node = x.tape().make_node<TotalNode>(1, 1, x.needs_grad(), x.node(), factor);
  node->value_data[0] = factor * x.value().sum();
  return Var(node);
}

}  // namespace

Var row_sum(Var x) {
  return row_reduce("row_sum", x, false);
}
Var row_mean(Var x) {
  return row_reduce("row_mean", x, true);
}
Var sum(Var x) {
  return total("sum", x, false);
}
Var mean(Var x) {
  return total("mean", x, true);
}

Var logsumexp_rows(Var x) {
  detail::require_var("logsumexp_rows", x);
  if (x.cols() == 0) detail::shape_error("logsumexp_rows", "input has no columns");
  auto* node = x.tape().make_node<LogSumExpNode>(x.rows(), 1, x.needs_grad(), x.node());
  const MatrixMap in = x.value();
  MatrixMap out = node->value();
  // Column by column, so every step runs along the contiguous sample dimension.
  MatrixMap top = x.tape().scratch(x.rows(), 1);
  top.col(0) = in.col(0);
  for (Index c = 1; c < in.cols(); ++c) top.col(0) = top.col(0).cwiseMax(in.col(c));
  out.setZero();
  for (Index c = 0; c < in.cols(); ++c)
    out.col(0).array() += (in.col(c).array() - top.col(0).array()).exp();
  for (Index r = 0; r < x.rows(); ++r)
    out(r, 0) = std::isfinite(top(r, 0)) ? top(r, 0) + std::log(out(r, 0)) : top(r, 0);
  return Var(node);
}

}  // namespace neuralrg
