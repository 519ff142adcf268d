// Reverse-mode automatic differentiation at matrix level: the API plugins call.
//
// A Tape records operations on matrices (rows = samples or sample×block, columns = features).
// Each node holds a value and, if a gradient flows through it, an adjoint of the same shape.
// Memory comes from an arena that the host rewinds between steps, so a warm tape does not touch
// the heap. Plugins build their computations from the ops below and never own a tape: the host
// hands them Vars that live on the tape of the current batch chunk.
#pragma once

#include <memory>
#include <new>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg {

class Tape;
class Var;
Var reshape(Var x, Index rows, Index cols);

/// A trainable tensor owned by a plugin object. The host reads `value`, writes `grad` (the
/// batch gradient, reduced over chunks in a fixed order) and lets the optimizer update `value`.
struct Parameter {
  std::string name;  ///< Unique within its owner, e.g. "coupling3.s.W1".
  Matrix value;
  Matrix grad;
};

/// One recorded operation. Custom ops derive from Node, implement backward(), and are created
/// with Tape::make_node. Nodes live in the arena and their destructors never run, so a derived
/// node must be trivially destructible (store pointers and sizes, not containers).
class Node {
 public:
  /// Adds this node's adjoint, pushed through the op's derivative, into its inputs' adjoints.
  /// Only called when needs_grad is true; inputs without needs_grad must be skipped.
  virtual void backward() = 0;

  MatrixMap value() { return {value_data, rows, cols}; }
  ConstMatrixMap value() const { return {value_data, rows, cols}; }
  /// The adjoint ∂(output)/∂(this value). Only valid when needs_grad is true.
  MatrixMap adjoint() { return {adjoint_data, rows, cols}; }

  Tape* tape = nullptr;
  Index rows = 0;
  Index cols = 0;
  bool needs_grad = false;  ///< Some leaf that wants a gradient depends on this node.
  Scalar* value_data = nullptr;
  Scalar* adjoint_data = nullptr;

 protected:
  ~Node() = default;
};

/// A handle to a node: cheap to copy, valid until the tape is reset.
class Var {
 public:
  Var() = default;
  explicit Var(Node* node) : node_(node) {}

  Index rows() const { return node_->rows; }
  Index cols() const { return node_->cols; }
  MatrixMap value() const { return node_->value(); }
  /// The accumulated gradient after Tape::backward (only if needs_grad()).
  MatrixMap adjoint() const { return node_->adjoint(); }
  bool needs_grad() const { return node_->needs_grad; }
  Node* node() const { return node_; }
  Tape& tape() const { return *node_->tape; }
  explicit operator bool() const { return node_ != nullptr; }

 private:
  Node* node_ = nullptr;
};

/// A symmetric linear map applied to each row of a matrix (each row of `in` is one vector). Used by
/// quadratic_form so a target can apply, e.g., K'^{-1} by FFT instead of a dense matrix.
class LinearOperator {
 public:
  virtual ~LinearOperator() = default;
  /// out.row(r) = A · in.row(r) for every row. `out` has the shape of `in`.
  virtual void apply(const ConstMatrixMap& in, MatrixMap out) const = 0;
};

/// The tape: an arena-backed record of operations for one chunk of a batch.
class Tape {
 public:
  Tape();
  ~Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// Forgets every node and rewinds the arena; capacity is kept for the next step.
  void reset();

  /// A point in the record. rewind(m) forgets the nodes created after m and reuses their
  /// memory, keeping those before it: e.g. parameter leaves created once, then many tiles of
  /// rows recorded and back-propagated one after another. m must have been taken on this tape
  /// since its last reset(), and not be newer than an earlier rewind (that is refused).
  struct Mark {
    std::size_t nodes, params, arena_block, arena_offset, arena_used;
  };
  Mark mark() const;
  void rewind(const Mark& m);

  /// When frozen, parameters enter as constants: no parameter adjoints, no weight-gradient work.
  /// Used for input gradients (HMC on U(z), response maps).
  void freeze_parameters(bool frozen);
  bool parameters_frozen() const;

  /// A leaf holding a copy of `m` that receives no gradient.
  Var constant(const Eigen::Ref<const Matrix>& m);
  /// A leaf of rows×cols filled with `value` that receives no gradient (no heap temporary).
  /// Its memory may be written through Var::value() right after creation, e.g. to fill noise.
  Var filled(Index rows, Index cols, Scalar value);
  /// A leaf holding a copy of `m` whose gradient is wanted (read it from Var::adjoint()).
  Var input(const Eigen::Ref<const Matrix>& m);
  /// The leaf of parameter `p` on this tape (created once per tape, then reused). Its value
  /// aliases p.value (read only), so parameters must not change while the tape is alive.
  Var param(const Parameter& p);
  /// The gradient accumulated into `p` on this tape by backward(), or nothing if p did not
  /// take part (or parameters are frozen).
  std::optional<ConstMatrixMap> param_grad(const Parameter& p) const;

  /// Back-propagates from `root`, whose adjoint is seeded with ones (e.g. a 1×1 loss, or an
  /// energy per row when the rows are independent chains).
  void backward(Var root);
  /// Back-propagates from `root` with the given seed adjoint (same shape as root).
  void backward(Var root, const Eigen::Ref<const Matrix>& seed);

  /// Uninitialised arena scratch of rows×cols, valid until reset(); for values a custom op saves
  /// for its backward pass.
  MatrixMap scratch(Index rows, Index cols);
  /// A copy of `values` in the arena, valid until reset(): for indices a custom op's backward
  /// reads, so the caller's container may go away after the call.
  std::span<const Index> store(std::span<const Index> values);

  /// Creates a node of type N (derived from Node) with an arena value of rows×cols and, if
  /// needs_grad, a zeroed adjoint. Constructor arguments are forwarded.
  template <class N, class... Args>
  N* make_node(Index rows, Index cols, bool needs_grad, Args&&... args) {
    static_assert(std::is_base_of_v<Node, N>, "make_node: N must derive from neuralrg::Node");
    static_assert(std::is_trivially_destructible_v<N>,
                  "make_node: nodes live in the arena; N must be trivially destructible");
    void* memory = allocate_bytes(sizeof(N), alignof(N));
    N* node = ::new (memory) N(std::forward<Args>(args)...);
    attach(node, rows, cols, needs_grad);
    return node;
  }

  /// Number of heap blocks the arena has ever obtained (stays constant on a warm tape).
  std::size_t arena_blocks() const;
  /// Bytes of arena in use since the last reset.
  std::size_t arena_bytes_used() const;
  /// Number of nodes recorded since the last reset.
  std::size_t size() const;

 private:
  friend Var reshape(Var x, Index rows, Index cols);
  void* allocate_bytes(std::size_t bytes, std::size_t align);
  void sweep_backward(Var root, const Eigen::Ref<const Matrix>* seed);
  void attach(Node* node, Index rows, Index cols, bool needs_grad);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Result of a bijective op: the transformed value and log|det J| per row (rows×1).
struct Transformed {
  Var value;
  Var log_det;
};

// ---- Ops. Every op checks shapes and throws std::invalid_argument naming the op and the shapes.
// "Broadcasting" means: b may also be a 1×cols row vector (added to every row), a rows×1 column,
// or 1×1; a may equally be the broadcast one.

/// x · Wᵀ + b with x: rows×in, W: out×in, b: 1×out (b may be an empty Var for no bias).
Var linear(Var x, Var W, Var b);
/// The activation of a dense() layer.
enum class Activation { Identity, Elu, Tanh };
/// act(x · Wᵀ + b) as one op: the pre-activation is never stored, which halves the memory of a
/// network's hidden layers and saves a pass over them. Same shapes as linear().
Var dense(Var x, Var W, Var b, Activation act);
Var add(Var a, Var b);
Var sub(Var a, Var b);
/// Elementwise (Hadamard) product a ⊙ b, with broadcasting; `a * b` means the same. Unlike Eigen's
/// `*`, never a matrix product: that is linear().
Var mul(Var a, Var b);
/// s · x for a constant s.
Var scale(Var x, Scalar s);
/// x + c for a constant c.
Var shift(Var x, Scalar c);
Var neg(Var x);
Var square(Var x);
Var elu(Var x);
Var tanh(Var x);
/// ln(1 + e^x), stable for large |x|.
Var softplus(Var x);
Var exp(Var x);
Var log(Var x);
/// ln cosh x = softplus(2x) − x − ln 2, stable for large |x|.
Var log_cosh(Var x);
Var sinh(Var x);
Var asinh(Var x);
/// √x (x ≥ 0; the derivative is infinite at 0).
Var sqrt(Var x);
/// |x|, with derivative sign(x) (0 at 0).
Var abs(Var x);
/// ln(1 + x), accurate for small |x|.
Var log1p(Var x);
/// 1 / (1 + e^{−x}), stable for large |x|.
Var sigmoid(Var x);
/// An elementwise op from a function and its derivative, for ops the list above lacks:
/// out = f(x) entry by entry, and backward multiplies the adjoint by df(x, f(x)) (df receives
/// both input and output, so e.g. exp's derivative can reuse the output). f and df must be
/// trivially destructible (plain lambdas, or lambdas capturing numbers), as nodes live in the
/// arena; they run concurrently on several tapes, so they must not modify shared state.
template <class F, class DF>
Var elementwise(Var x, F f, DF df);
/// Sum over columns: rows×1.
Var row_sum(Var x);
/// Mean over columns: rows×1.
Var row_mean(Var x);
/// Sum of all entries: 1×1.
Var sum(Var x);
/// Mean of all entries: 1×1.
Var mean(Var x);
/// ln Σ_j exp(x_ij) per row: rows×1, stable.
Var logsumexp_rows(Var x);
/// out(r, j) = x(r, index[j]). The index is copied: a temporary is fine.
Var gather_cols(Var x, std::span<const Index> index);
/// out = zeros(rows, cols) with out(r, index[j]) += y(r, j).
Var scatter_add_cols(Var y, Index cols, std::span<const Index> index);
/// out = base with columns index[j] replaced by y(:, j) (indices distinct).
Var scatter_cols(Var base, Var y, std::span<const Index> index);
/// [a b] side by side.
Var concat_cols(Var a, Var b);
/// Columns [begin, begin + count) of x.
Var slice_cols(Var x, Index begin, Index count);
/// Same data viewed as rows×cols (column-major order is kept, as Matrix stores it; no copy).
Var reshape(Var x, Index rows, Index cols);
/// Masked affine coupling. Generative direction (inverse = false):
///   y' = m⊙y + (1−m)⊙(y⊙e^s + t),   log_det = Σ_j (1−m_j) s_j per row;
/// inverse direction: y = m⊙y' + (1−m)⊙((y' − t)⊙e^{−s}), log_det = −Σ_j (1−m_j) s_j.
/// `mask` is 1×cols of 0/1, copied onto the tape.
Transformed affine_coupling(Var y, Var s, Var t, const RowVector& mask, bool inverse);
/// ½ x_r · (A x_r) per row: rows×1. A must be symmetric. It is applied during the call only (the
/// backward pass reuses the saved A·x), so a temporary operator is fine.
Var quadratic_form(Var x, const LinearOperator& A);

inline Var operator+(Var a, Var b) {
  return add(a, b);
}
inline Var operator-(Var a, Var b) {
  return sub(a, b);
}
/// Elementwise, as mul(): not a matrix product.
inline Var operator*(Var a, Var b) {
  return mul(a, b);
}
inline Var operator-(Var a) {
  return neg(a);
}
inline Var operator*(Scalar s, Var x) {
  return scale(x, s);
}

namespace detail {

template <class F, class DF>
struct ElementwiseNode final : Node {
  ElementwiseNode(Node* in, F f_, DF df_) : input(in), f(f_), df(df_) {}
  Node* input;
  F f;
  DF df;
  void backward() override {
    if (!input->needs_grad) return;
    const Scalar* x = input->value_data;
    const Scalar* y = value_data;
    const Scalar* a = adjoint_data;
    Scalar* gx = input->adjoint_data;
    for (Index i = 0, n = rows * cols; i < n; ++i) gx[i] += a[i] * df(x[i], y[i]);
  }
};

}  // namespace detail

template <class F, class DF>
Var elementwise(Var x, F f, DF df) {
  static_assert(std::is_trivially_destructible_v<F> && std::is_trivially_destructible_v<DF>,
                "elementwise: f and df live in the arena; capture numbers, not containers");
  if (!x) throw std::invalid_argument("elementwise: operand is an empty Var");
  auto* node = x.tape().template make_node<detail::ElementwiseNode<F, DF>>(
      x.rows(), x.cols(), x.needs_grad(), x.node(), f, df);
  const Scalar* in = x.node()->value_data;
  Scalar* out = node->value_data;
  for (Index i = 0, n = x.rows() * x.cols(); i < n; ++i) out[i] = f(in[i]);
  return Var(node);
}

}  // namespace neuralrg
