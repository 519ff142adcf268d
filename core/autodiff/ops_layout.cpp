// Column gather/scatter (block dispatch of the hierarchy), concat and slice. With column-major
// storage every one of them moves whole contiguous columns.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

void check_index(const char* op, std::span<const Index> index, Index cols) {
  for (Index j : index)
    if (j < 0 || j >= cols)
      detail::shape_error(op, fmt::format("column index {} out of range [0, {})", j, cols));
}

struct GatherNode final : Node {
  GatherNode(Node* in, const Index* idx) : input(in), index(idx) {}
  Node* input;
  const Index* index;
  void backward() override {
    if (!input->needs_grad) return;
    for (Index j = 0; j < cols; ++j) input->adjoint().col(index[j]) += adjoint().col(j);
  }
};

struct ScatterAddNode final : Node {
  ScatterAddNode(Node* in, const Index* idx) : input(in), index(idx) {}
  Node* input;
  const Index* index;
  void backward() override {
    if (!input->needs_grad) return;
    for (Index j = 0; j < input->cols; ++j) input->adjoint().col(j) += adjoint().col(index[j]);
  }
};

// out = base with some columns replaced: the replaced columns' adjoints go to y, the rest to base.
struct ScatterNode final : Node {
  ScatterNode(Node* b, Node* y_, const Index* idx, const Scalar* replaced_)
      : base(b), y(y_), index(idx), replaced(replaced_) {}
  Node* base;
  Node* y;
  const Index* index;
  const Scalar* replaced;  // per column of the output: 1 where y replaced base
  void backward() override {
    if (base->needs_grad)
      for (Index c = 0; c < cols; ++c)
        if (replaced[c] == 0) base->adjoint().col(c) += adjoint().col(c);
    if (y->needs_grad)
      for (Index j = 0; j < y->cols; ++j) y->adjoint().col(j) += adjoint().col(index[j]);
  }
};

struct SliceNode final : Node {
  SliceNode(Node* in, Index b) : input(in), begin(b) {}
  Node* input;
  Index begin;
  void backward() override {
    if (input->needs_grad) input->adjoint().middleCols(begin, cols) += adjoint();
  }
};

struct ConcatNode final : Node {
  ConcatNode(Node* l, Node* r) : a(l), b(r) {}
  Node* a;
  Node* b;
  void backward() override {
    if (a->needs_grad) a->adjoint() += adjoint().leftCols(a->cols);
    if (b->needs_grad) b->adjoint() += adjoint().rightCols(b->cols);
  }
};

void copy_column(Scalar* dst, const Scalar* src, Index rows) {
  std::memcpy(dst, src, sizeof(Scalar) * static_cast<std::size_t>(rows));
}

}  // namespace

Var gather_cols(Var x, std::span<const Index> index) {
  detail::require_var("gather_cols", x);
  check_index("gather_cols", index, x.cols());
  const Index k = static_cast<Index>(index.size()), rows = x.rows();
  index = x.tape().store(index);
  auto* node = x.tape().make_node<GatherNode>(rows, k, x.needs_grad(), x.node(), index.data());
  for (Index j = 0; j < k; ++j)
    copy_column(node->value_data + j * rows, x.node()->value_data + index[j] * rows, rows);
  return Var(node);
}

Var scatter_add_cols(Var y, Index cols, std::span<const Index> index) {
  detail::require_var("scatter_add_cols", y);
  if (static_cast<Index>(index.size()) != y.cols())
    detail::shape_error("scatter_add_cols",
                        fmt::format("{} indices for {} columns", index.size(), y.cols()));
  check_index("scatter_add_cols", index, cols);
  index = y.tape().store(index);
  auto* node =
      y.tape().make_node<ScatterAddNode>(y.rows(), cols, y.needs_grad(), y.node(), index.data());
  node->value().setZero();
  for (Index j = 0; j < y.cols(); ++j) node->value().col(index[j]) += y.value().col(j);
  return Var(node);
}

Var scatter_cols(Var base, Var y, std::span<const Index> index) {
  detail::require_var("scatter_cols", base);
  detail::require_var("scatter_cols", y);
  if (base.rows() != y.rows()) detail::shape_error("scatter_cols", "row counts differ", base, y);
  if (static_cast<Index>(index.size()) != y.cols())
    detail::shape_error("scatter_cols",
                        fmt::format("{} indices for {} columns", index.size(), y.cols()));
  check_index("scatter_cols", index, base.cols());
  Tape& tape = base.tape();
  index = tape.store(index);
  const Index cols = base.cols(), rows = base.rows();
  Scalar* replaced = tape.scratch(1, cols).data();
  std::fill(replaced, replaced + cols, Scalar(0));
  for (Index j : index) replaced[j] = 1;
  auto* node = tape.make_node<ScatterNode>(rows, cols, base.needs_grad() || y.needs_grad(),
                                           base.node(), y.node(), index.data(), replaced);
  for (Index c = 0; c < cols; ++c)
    if (replaced[c] == 0)
      copy_column(node->value_data + c * rows, base.node()->value_data + c * rows, rows);
  for (Index j = 0; j < y.cols(); ++j)
    copy_column(node->value_data + index[j] * rows, y.node()->value_data + j * rows, rows);
  return Var(node);
}

Var concat_cols(Var a, Var b) {
  detail::require_var("concat_cols", a);
  detail::require_var("concat_cols", b);
  if (a.rows() != b.rows()) detail::shape_error("concat_cols", "row counts differ", a, b);
  auto* node = a.tape().make_node<ConcatNode>(a.rows(), a.cols() + b.cols(),
                                              a.needs_grad() || b.needs_grad(), a.node(), b.node());
  node->value().leftCols(a.cols()) = a.value();
  node->value().rightCols(b.cols()) = b.value();
  return Var(node);
}

Var slice_cols(Var x, Index begin, Index count) {
  detail::require_var("slice_cols", x);
  if (begin < 0 || count < 0 || begin + count > x.cols())
    detail::shape_error("slice_cols", fmt::format("columns [{}, {}) of a {}×{} input", begin,
                                                  begin + count, x.rows(), x.cols()));
  auto* node = x.tape().make_node<SliceNode>(x.rows(), count, x.needs_grad(), x.node(), begin);
  node->value() = x.value().middleCols(begin, count);
  return Var(node);
}

}  // namespace neuralrg
