// add, sub, mul with broadcasting of a row vector (1×c), a column (r×1) or a scalar (1×1).
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

enum class BinaryOp { Add, Sub, Mul };

const char* op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "add";
    case BinaryOp::Sub: return "sub";
    case BinaryOp::Mul: return "mul";
  }
  return "?";
}

// Strides that read an operand broadcast to the output shape: 0 along a broadcast dimension.
struct Strides {
  explicit Strides(const Node* n) : row(n->rows == 1 ? 0 : 1), col(n->cols == 1 ? 0 : n->rows) {}
  Index row, col;
};

struct BinaryNode final : Node {
  BinaryNode(Node* l, Node* r, BinaryOp o) : a(l), b(r), op(o) {}
  Node* a;
  Node* b;
  BinaryOp op;

  void backward() override {
    const bool same = a->rows == rows && a->cols == cols && b->rows == rows && b->cols == cols;
    if (same) {
      auto g = adjoint().array();
      switch (op) {
        case BinaryOp::Add:
          if (a->needs_grad) a->adjoint().array() += g;
          if (b->needs_grad) b->adjoint().array() += g;
          break;
        case BinaryOp::Sub:
          if (a->needs_grad) a->adjoint().array() += g;
          if (b->needs_grad) b->adjoint().array() -= g;
          break;
        case BinaryOp::Mul:
          if (a->needs_grad) a->adjoint().array() += g * b->value().array();
          if (b->needs_grad) b->adjoint().array() += g * a->value().array();
          break;
      }
      return;
    }
    const Scalar* g = adjoint_data;
    const Strides sa(a), sb(b);
    Scalar* ga = a->needs_grad ? a->adjoint_data : nullptr;
    Scalar* gb = b->needs_grad ? b->adjoint_data : nullptr;
    const Scalar* va = a->value_data;
    const Scalar* vb = b->value_data;
    for (Index c = 0; c < cols; ++c)
      for (Index r = 0; r < rows; ++r) {
        const Scalar gi = g[c * rows + r];
        const Index ia = r * sa.row + c * sa.col, ib = r * sb.row + c * sb.col;
        switch (op) {
          case BinaryOp::Add:
            if (ga) ga[ia] += gi;
            if (gb) gb[ib] += gi;
            break;
          case BinaryOp::Sub:
            if (ga) ga[ia] += gi;
            if (gb) gb[ib] -= gi;
            break;
          case BinaryOp::Mul:
            if (ga) ga[ia] += gi * vb[ib];
            if (gb) gb[ib] += gi * va[ia];
            break;
        }
      }
  }
};

Index broadcast_extent(const char* op, Var a, Var b, Index ea, Index eb) {
  if (ea == eb || eb == 1) return ea;
  if (ea == 1) return eb;
  detail::shape_error(op, "shapes do not broadcast", a, b);
}

Var binary(BinaryOp op, Var a, Var b) {
  const char* name = op_name(op);
  detail::require_var(name, a);
  detail::require_var(name, b);
  if (&a.tape() != &b.tape()) detail::shape_error(name, "operands live on different tapes");
  const Index rows = broadcast_extent(name, a, b, a.rows(), b.rows());
  const Index cols = broadcast_extent(name, a, b, a.cols(), b.cols());
  auto* node = a.tape().make_node<BinaryNode>(rows, cols, a.needs_grad() || b.needs_grad(),
                                              a.node(), b.node(), op);
  auto out = node->value().array();
  const bool same = a.rows() == rows && a.cols() == cols && b.rows() == rows && b.cols() == cols;
  if (same) {
    switch (op) {
      case BinaryOp::Add: out = a.value().array() + b.value().array(); break;
      case BinaryOp::Sub: out = a.value().array() - b.value().array(); break;
      case BinaryOp::Mul: out = a.value().array() * b.value().array(); break;
    }
    return Var(node);
  }
  const Strides sa(a.node()), sb(b.node());
  const Scalar* pa = a.node()->value_data;
  const Scalar* pb = b.node()->value_data;
  Scalar* o = node->value_data;
  for (Index c = 0; c < cols; ++c)
    for (Index r = 0; r < rows; ++r) {
      const Scalar x = pa[r * sa.row + c * sa.col], y = pb[r * sb.row + c * sb.col];
      o[c * rows + r] = op == BinaryOp::Add ? x + y : op == BinaryOp::Sub ? x - y : x * y;
    }
  return Var(node);
}

}  // namespace

Var add(Var a, Var b) { return binary(BinaryOp::Add, a, b); }
Var sub(Var a, Var b) { return binary(BinaryOp::Sub, a, b); }
Var mul(Var a, Var b) { return binary(BinaryOp::Mul, a, b); }

}  // namespace neuralrg
