// The tape: node bookkeeping, leaves, backward sweep and the arena behind them.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "autodiff/arena.hpp"
#include "autodiff/check.hpp"
#include "autodiff/param_index.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {
namespace {

struct LeafNode final : Node {
  void backward() override {}
};

// Shares its input's value and adjoint memory: the adjoint flows back by aliasing.
struct AliasNode final : Node {
  void backward() override {}
};

}  // namespace

struct Tape::Impl {
  Arena arena;
  std::vector<Node*> nodes;
  ParamIndex params;
  bool frozen = false;
};

Tape::Tape() : impl_(std::make_unique<Impl>()) {}
Tape::~Tape() = default;

void Tape::reset() {
  impl_->nodes.clear();
  impl_->params.clear();
  impl_->arena.reset();
}

Tape::Mark Tape::mark() const {
  const Arena::Mark a = impl_->arena.mark();
  return {impl_->nodes.size(), impl_->params.size(), a.current, a.offset, a.used};
}

void Tape::rewind(const Mark& m) {
  if (m.nodes > impl_->nodes.size() || m.params > impl_->params.size())
    detail::shape_error("rewind", "the mark is newer than the tape (reset or rewound past it)");
  impl_->nodes.resize(m.nodes);
  impl_->params.truncate(m.params);
  impl_->arena.rewind({m.arena_block, m.arena_offset, m.arena_used});
}

void Tape::freeze_parameters(bool frozen) {
  impl_->frozen = frozen;
}
bool Tape::parameters_frozen() const {
  return impl_->frozen;
}

void* Tape::allocate_bytes(std::size_t bytes, std::size_t align) {
  return impl_->arena.allocate(bytes, align);
}

MatrixMap Tape::scratch(Index rows, Index cols) {
  auto* data = static_cast<Scalar*>(allocate_bytes(sizeof(Scalar) * rows * cols, 64));
  return {data, rows, cols};
}

std::span<const Index> Tape::store(std::span<const Index> values) {
  auto* data = static_cast<Index*>(allocate_bytes(sizeof(Index) * values.size(), alignof(Index)));
  std::copy(values.begin(), values.end(), data);
  return {data, values.size()};
}

void Tape::attach(Node* node, Index rows, Index cols, bool needs_grad) {
  node->tape = this;
  node->rows = rows;
  node->cols = cols;
  node->needs_grad = needs_grad;
  if (!node->value_data) node->value_data = scratch(rows, cols).data();
  // Adjoints are zeroed at the start of backward(), so a forward-only pass never pays for them.
  if (needs_grad && !node->adjoint_data) node->adjoint_data = scratch(rows, cols).data();
  impl_->nodes.push_back(node);
}

Var Tape::constant(const Eigen::Ref<const Matrix>& m) {
  auto* node = make_node<LeafNode>(m.rows(), m.cols(), false);
  node->value() = m;
  return Var(node);
}

Var Tape::filled(Index rows, Index cols, Scalar value) {
  auto* node = make_node<LeafNode>(rows, cols, false);
  node->value().setConstant(value);
  return Var(node);
}

Var Tape::input(const Eigen::Ref<const Matrix>& m) {
  auto* node = make_node<LeafNode>(m.rows(), m.cols(), true);
  node->value() = m;
  return Var(node);
}

Var Tape::param(const Parameter& p) {
  if (Node* existing = impl_->params.find(&p)) return Var(existing);
  void* memory = allocate_bytes(sizeof(LeafNode), alignof(LeafNode));
  auto* node = ::new (memory) LeafNode();
  // Read only by contract (leaves have no forward rule); Node's value is mutable for the ops' sake.
  node->value_data = const_cast<Scalar*>(p.value.data());
  attach(node, p.value.rows(), p.value.cols(), !impl_->frozen);
  impl_->params.insert(&p, node);
  return Var(node);
}

std::optional<ConstMatrixMap> Tape::param_grad(const Parameter& p) const {
  const Node* leaf = impl_->params.find(&p);
  if (!leaf || !leaf->needs_grad) return std::nullopt;
  return ConstMatrixMap(leaf->adjoint_data, leaf->rows, leaf->cols);
}

void Tape::backward(Var root) {
  sweep_backward(root, nullptr);
}

void Tape::backward(Var root, const Eigen::Ref<const Matrix>& seed) {
  detail::require_var("backward", root);
  if (seed.rows() != root.rows() || seed.cols() != root.cols())
    detail::shape_error("backward", fmt::format("seed is {}×{} but the root is {}×{}", seed.rows(),
                                                seed.cols(), root.rows(), root.cols()));
  sweep_backward(root, &seed);
}

void Tape::sweep_backward(Var root, const Eigen::Ref<const Matrix>* seed) {
  detail::require_var("backward", root);
  if (&root.tape() != this) detail::shape_error("backward", "root lives on another tape");
  auto& nodes = impl_->nodes;
  std::size_t end = nodes.size();
  while (end > 0 && nodes[end - 1] != root.node()) --end;
  if (end == 0) detail::shape_error("backward", "root is not on this tape");
  if (!root.needs_grad()) return;  // nothing upstream wants a gradient
  for (std::size_t i = 0; i < end; ++i)
    if (nodes[i]->needs_grad)
      std::memset(nodes[i]->adjoint_data, 0, sizeof(Scalar) * nodes[i]->rows * nodes[i]->cols);
  if (seed)
    root.adjoint() = *seed;
  else
    root.adjoint().setOnes();
  for (std::size_t i = end; i-- > 0;)
    if (nodes[i]->needs_grad) nodes[i]->backward();
}

std::size_t Tape::arena_blocks() const {
  return impl_->arena.blocks();
}
std::size_t Tape::arena_bytes_used() const {
  return impl_->arena.bytes_used();
}
std::size_t Tape::size() const {
  return impl_->nodes.size();
}

Var reshape(Var x, Index rows, Index cols) {
  detail::require_var("reshape", x);
  if (rows * cols != x.rows() * x.cols())
    detail::shape_error("reshape",
                        fmt::format("cannot view {}×{} as {}×{}", x.rows(), x.cols(), rows, cols));
  Tape& tape = x.tape();
  void* memory = tape.allocate_bytes(sizeof(AliasNode), alignof(AliasNode));
  auto* node = ::new (memory) AliasNode();
  node->value_data = x.node()->value_data;
  node->adjoint_data = x.node()->adjoint_data;
  tape.attach(node, rows, cols, x.needs_grad());
  return Var(node);
}

}  // namespace neuralrg
