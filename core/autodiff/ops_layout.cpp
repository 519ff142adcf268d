// Column gather/scatter (block dispatch of the hierarchy), concat and slice.
#include <fmt/format.h>

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
    for (Index r = 0; r < rows; ++r) {
      Scalar* dst = input->adjoint_data + r * input->cols;
      const Scalar* g = adjoint_data + r * cols;
      for (Index j = 0; j < cols; ++j) dst[index[j]] += g[j];
    }
  }
};

struct ScatterAddNode final : Node {
  ScatterAddNode(Node* in, const Index* idx) : input(in), index(idx) {}
  Node* input;
  const Index* index;
  void backward() override {
    if (!input->needs_grad) return;
    for (Index r = 0; r < rows; ++r) {
      Scalar* dst = input->adjoint_data + r * input->cols;
      const Scalar* g = adjoint_data + r * cols;
      for (Index j = 0; j < input->cols; ++j) dst[j] += g[index[j]];
    }
  }
};

// out = base with some columns replaced: the replaced columns' adjoints go to y, the rest to base.
struct ScatterNode final : Node {
  ScatterNode(Node* b, Node* y_, const Index* idx, const Scalar* keep_)
      : base(b), y(y_), index(idx), keep(keep_) {}
  Node* base;
  Node* y;
  const Index* index;
  const Scalar* keep;  // 1×cols: 1 where base's column survives, 0 where y replaced it
  void backward() override {
    if (base->needs_grad)
      base->adjoint().array() +=
          adjoint().array().rowwise() * Eigen::Map<const RowVector>(keep, cols).array();
    if (y->needs_grad) {
      const Index k = y->cols;
      for (Index r = 0; r < rows; ++r) {
        const Scalar* g = adjoint_data + r * cols;
        Scalar* dst = y->adjoint_data + r * k;
        for (Index j = 0; j < k; ++j) dst[j] += g[index[j]];
      }
    }
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

}  // namespace

Var gather_cols(Var x, std::span<const Index> index) {
  detail::require_var("gather_cols", x);
  check_index("gather_cols", index, x.cols());
  const Index k = static_cast<Index>(index.size());
  auto* node =
      x.tape().make_node<GatherNode>(x.rows(), k, x.needs_grad(), x.node(), index.data());
  const Scalar* in = x.node()->value_data;
  Scalar* out = node->value_data;
  const Index n = x.cols();
  for (Index r = 0; r < x.rows(); ++r)
    for (Index j = 0; j < k; ++j) out[r * k + j] = in[r * n + index[j]];
  return Var(node);
}

Var scatter_add_cols(Var y, Index cols, std::span<const Index> index) {
  detail::require_var("scatter_add_cols", y);
  if (static_cast<Index>(index.size()) != y.cols())
    detail::shape_error("scatter_add_cols", fmt::format("{} indices for {} columns", index.size(),
                                                        y.cols()));
  check_index("scatter_add_cols", index, cols);
  auto* node = y.tape().make_node<ScatterAddNode>(y.rows(), cols, y.needs_grad(), y.node(),
                                                  index.data());
  node->value().setZero();
  const Scalar* in = y.node()->value_data;
  Scalar* out = node->value_data;
  const Index k = y.cols();
  for (Index r = 0; r < y.rows(); ++r)
    for (Index j = 0; j < k; ++j) out[r * cols + index[j]] += in[r * k + j];
  return Var(node);
}

Var scatter_cols(Var base, Var y, std::span<const Index> index) {
  detail::require_var("scatter_cols", base);
  detail::require_var("scatter_cols", y);
  if (base.rows() != y.rows())
    detail::shape_error("scatter_cols", "row counts differ", base, y);
  if (static_cast<Index>(index.size()) != y.cols())
    detail::shape_error("scatter_cols", fmt::format("{} indices for {} columns", index.size(),
                                                    y.cols()));
  check_index("scatter_cols", index, base.cols());
  MatrixMap keep = base.tape().scratch(1, base.cols());
  keep.setOnes();
  for (Index j : index) keep(0, j) = 0;
  auto* node = base.tape().make_node<ScatterNode>(base.rows(), base.cols(),
                                                  base.needs_grad() || y.needs_grad(),
                                                  base.node(), y.node(), index.data(), keep.data());
  node->value() = base.value();
  const Scalar* in = y.node()->value_data;
  Scalar* out = node->value_data;
  const Index k = y.cols(), n = base.cols();
  for (Index r = 0; r < y.rows(); ++r)
    for (Index j = 0; j < k; ++j) out[r * n + index[j]] = in[r * k + j];
  return Var(node);
}

Var concat_cols(Var a, Var b) {
  detail::require_var("concat_cols", a);
  detail::require_var("concat_cols", b);
  if (a.rows() != b.rows()) detail::shape_error("concat_cols", "row counts differ", a, b);
  auto* node = a.tape().make_node<ConcatNode>(a.rows(), a.cols() + b.cols(),
                                              a.needs_grad() || b.needs_grad(), a.node(),
                                              b.node());
  node->value().leftCols(a.cols()) = a.value();
  node->value().rightCols(b.cols()) = b.value();
  return Var(node);
}

Var slice_cols(Var x, Index begin, Index count) {
  detail::require_var("slice_cols", x);
  if (begin < 0 || count < 0 || begin + count > x.cols())
    detail::shape_error("slice_cols", fmt::format("columns [{}, {}) of a {}×{} input", begin,
                                                  begin + count, x.rows(), x.cols()));
  auto* node =
      x.tape().make_node<SliceNode>(x.rows(), count, x.needs_grad(), x.node(), begin);
  node->value() = x.value().middleCols(begin, count);
  return Var(node);
}

}  // namespace neuralrg
