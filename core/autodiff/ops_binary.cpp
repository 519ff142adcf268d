// add, sub, mul with broadcasting of a row vector (1×c), a column (r×1) or a scalar (1×1).
#include "autodiff/check.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

enum class BinaryOp { Add, Sub, Mul };

const char* op_name(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add:
      return "add";
    case BinaryOp::Sub:
      return "sub";
    case BinaryOp::Mul:
      return "mul";
  }
  return "?";
}

// Column c of an operand broadcast to the output: a whole column, or one value repeated down it
// (a 1×cols row vector or a 1×1 scalar). Column by column, every case runs as a vector loop:
// the Real NVP scale (s ⊙ scale) and the log-det sums of every coupling broadcast this way.
struct Column {
  Column(const Node* n, Index c)
      : offset((n->cols == 1 ? 0 : c) * n->rows),
        values(n->value_data + offset),
        adjoint(n->needs_grad ? n->adjoint_data + offset : nullptr),
        repeated(n->rows == 1) {}
  Index offset;
  const Scalar* values;
  Scalar* adjoint;  // nullptr when the operand wants no gradient
  bool repeated;
  auto vector(Index rows) const { return Eigen::Map<const Eigen::ArrayX<Scalar>>(values, rows); }
};

// g·∂(out)/∂(operand) added to the operand's adjoint column: summed down the column when the
// operand was repeated.
template <class Expr>
void accumulate(Scalar* adjoint, bool repeated, Index rows, const Expr& contribution) {
  if (repeated)
    *adjoint += contribution.sum();
  else
    Eigen::Map<Eigen::ArrayX<Scalar>>(adjoint, rows) += contribution;
}

struct BinaryNode final : Node {
  BinaryNode(Node* l, Node* r, BinaryOp o) : a(l), b(r), op(o) {}
  Node* a;
  Node* b;
  BinaryOp op;

  void backward() override {
    for (Index c = 0; c < cols; ++c) {
      const auto g = Eigen::Map<const Eigen::ArrayX<Scalar>>(adjoint_data + c * rows, rows);
      const Column ca(a, c), cb(b, c);
      switch (op) {
        case BinaryOp::Add:
        case BinaryOp::Sub:
          if (ca.adjoint) accumulate(ca.adjoint, ca.repeated, rows, g);
          if (cb.adjoint && op == BinaryOp::Add) accumulate(cb.adjoint, cb.repeated, rows, g);
          if (cb.adjoint && op == BinaryOp::Sub) accumulate(cb.adjoint, cb.repeated, rows, -g);
          break;
        case BinaryOp::Mul:
          if (ca.adjoint) {
            if (cb.repeated)
              accumulate(ca.adjoint, ca.repeated, rows, g * cb.values[0]);
            else
              accumulate(ca.adjoint, ca.repeated, rows, g * cb.vector(rows));
          }
          if (cb.adjoint) {
            if (ca.repeated)
              accumulate(cb.adjoint, cb.repeated, rows, g * ca.values[0]);
            else
              accumulate(cb.adjoint, cb.repeated, rows, g * ca.vector(rows));
          }
          break;
      }
    }
  }
};

template <class F>
void combine(BinaryOp op, const F& f) {
  switch (op) {
    case BinaryOp::Add:
      f([](const auto& x, const auto& y) { return x + y; });
      break;
    case BinaryOp::Sub:
      f([](const auto& x, const auto& y) { return x - y; });
      break;
    case BinaryOp::Mul:
      f([](const auto& x, const auto& y) { return x * y; });
      break;
  }
}

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
  combine(op, [&](auto apply) {
    for (Index c = 0; c < cols; ++c) {
      auto out = Eigen::Map<Eigen::ArrayX<Scalar>>(node->value_data + c * rows, rows);
      const Column ca(a.node(), c), cb(b.node(), c);
      if (!ca.repeated && !cb.repeated)
        out = apply(ca.vector(rows), cb.vector(rows));
      else if (!ca.repeated)
        out = apply(ca.vector(rows), cb.values[0]);
      else if (!cb.repeated)
        out = apply(ca.values[0], cb.vector(rows));
      else
        out.setConstant(apply(ca.values[0], cb.values[0]));
    }
  });
  return Var(node);
}

}  // namespace

Var add(Var a, Var b) {
  return binary(BinaryOp::Add, a, b);
}
Var sub(Var a, Var b) {
  return binary(BinaryOp::Sub, a, b);
}
Var mul(Var a, Var b) {
  return binary(BinaryOp::Mul, a, b);
}

}  // namespace neuralrg
