#include "flow/tiled_block.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuralrg {
namespace {

// A tile's tape and buffers.
struct Scratch {
  Tape tape;
  std::vector<Node*> param_leaves;  // on the caller's tape, looked up once per backward
  std::vector<Node*> tile_leaves;   // the same parameters on the scratch tape, shared by tiles
};

// Scratch per thread, one per nesting level: a tile's work normally ends before the next tile
// starts, but a bijector that waits on TBB work may have this thread pick up another chunk's
// layer in the middle, which must not reset the scratch still in use.
class ScratchLease {
 public:
  ScratchLease() {
    if (depth() == pool().size()) pool().push_back(std::make_unique<Scratch>());
    scratch_ = pool()[depth()++].get();
  }
  ~ScratchLease() { --depth(); }
  ScratchLease(const ScratchLease&) = delete;
  ScratchLease& operator=(const ScratchLease&) = delete;
  Scratch* operator->() const { return scratch_; }
  Scratch& operator*() const { return *scratch_; }

 private:
  static std::vector<std::unique_ptr<Scratch>>& pool() {
    thread_local std::vector<std::unique_ptr<Scratch>> scratches;
    return scratches;
  }
  static std::size_t& depth() {
    thread_local std::size_t in_use = 0;
    return in_use;
  }
  Scratch* scratch_;
};

Transformed run(const Bijector& b, Var x, bool inverse) {
  return inverse ? b.inverse(x) : b.forward(x);
}

// log|det J| per row: its adjoint is read by the TiledBlockNode created right after it, which
// the backward sweep reaches first but only once every consumer of both outputs is done.
struct LogDetNode final : Node {
  void backward() override {}
};

struct TiledBlockNode final : Node {
  TiledBlockNode(const Bijector* b_, Parameter* const* params_, std::size_t n_params_, Node* x_,
                 Node* log_det_, Index tile_, bool inverse_, bool train_params_)
      : b(b_),
        params(params_),
        n_params(n_params_),
        x(x_),
        log_det(log_det_),
        tile(tile_),
        inverse(inverse_),
        train_params(train_params_) {}
  const Bijector* b;
  Parameter* const* params;
  std::size_t n_params;
  Node* x;
  Node* log_det;
  Index tile;
  bool inverse;
  bool train_params;

  // Starts the scratch tape with b's parameter leaves, which every tile then shares. Created per
  // tile (~170 inserts, allocations and attaches), they and the tape's other bookkeeping took ~8 %
  // of a latent-HMC gradient; shared, with the arena's fast path inline, ~5 %.
  static Tape::Mark begin_tiles(Scratch& scratch, bool frozen, std::span<Parameter* const> params) {
    Tape& sub = scratch.tape;
    sub.reset();
    sub.freeze_parameters(frozen);
    scratch.tile_leaves.clear();
    for (Parameter* p : params) scratch.tile_leaves.push_back(sub.param(*p).node());
    return sub.mark();
  }

  void forward_tiles() {
    const ScratchLease scratch;
    Tape& sub = scratch->tape;
    const Tape::Mark start = begin_tiles(*scratch, true, {params, n_params});
    for (Index r0 = 0; r0 < rows; r0 += tile) {
      const Index n = std::min(tile, rows - r0);
      sub.rewind(start);
      Transformed t = run(*b, sub.constant(x->value().middleRows(r0, n)), inverse);
      value().middleRows(r0, n) = t.value.value();
      log_det->value().middleRows(r0, n) = t.log_det.value();
    }
  }

  void backward() override {
    const ScratchLease scratch;
    Tape& sub = scratch->tape;
    std::vector<Node*>& param_leaves = scratch->param_leaves;
    param_leaves.clear();
    if (train_params)
      for (std::size_t i = 0; i < n_params; ++i)
        param_leaves.push_back(tape->param(*params[i]).node());
    const Tape::Mark start = begin_tiles(*scratch, !train_params, {params, n_params});
    for (Index r0 = 0; r0 < rows; r0 += tile) {
      const Index n = std::min(tile, rows - r0);
      sub.rewind(start);
      const auto x_tile = x->value().middleRows(r0, n);
      Var in = x->needs_grad ? sub.input(x_tile) : sub.constant(x_tile);
      Transformed t = run(*b, in, inverse);
      Var outputs = concat_cols(t.value, t.log_det);
      if (!outputs.needs_grad()) continue;
      // On the tile's arena: a heap Matrix would reallocate whenever the last tile is shorter.
      MatrixMap seed = sub.scratch(n, cols + 1);
      seed.leftCols(cols) = adjoint().middleRows(r0, n);
      seed.col(cols) = log_det->adjoint().middleRows(r0, n);
      sub.backward(outputs, seed);
      if (x->needs_grad) x->adjoint().middleRows(r0, n) += in.adjoint();
      if (!train_params) continue;
      for (std::size_t i = 0; i < n_params; ++i)
        param_leaves[i]->adjoint() += scratch->tile_leaves[i]->adjoint();
    }
  }
};

}  // namespace

Transformed apply_tiled(const Bijector& b, std::span<Parameter* const> params, Var x, bool inverse,
                        Index tile_rows) {
  if (x.rows() <= tile_rows) return run(b, x, inverse);
  if (x.cols() != b.width())
    throw std::invalid_argument("bijector: expected " + std::to_string(b.width()) +
                                " columns, got " + std::to_string(x.cols()));
  Tape& tape = x.tape();
  const bool train_params = !tape.parameters_frozen() && !params.empty();
  // The caller's parameter leaves exist before the backward sweep zeroes adjoints, so the tiles
  // can accumulate into them.
  if (train_params)
    for (Parameter* p : params) tape.param(*p);
  const bool needs_grad = x.needs_grad() || train_params;
  auto* log_det = tape.make_node<LogDetNode>(x.rows(), 1, needs_grad);
  auto* node = tape.make_node<TiledBlockNode>(x.rows(), x.cols(), needs_grad, &b, params.data(),
                                              params.size(), x.node(), log_det, tile_rows, inverse,
                                              train_params);
  node->forward_tiles();
  return {Var(node), Var(log_det)};
}

}  // namespace neuralrg
