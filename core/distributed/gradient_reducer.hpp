// Per-chunk parameter gradients, summed into Parameter::grad independently of threads and ranks.
#pragma once

#include <span>
#include <vector>

#include "distributed/communicator.hpp"
#include "neuralrg/autodiff.hpp"

namespace neuralrg {

class GradientReducer {
 public:
  /// Sizes the buffers for this rank's chunks of `chunks` (comm.owned(chunks)) of `params`;
  /// allocates only when these grow.
  void prepare(std::span<Parameter* const> params, Index chunks,
               const Communicator& comm = Communicator::self());
  /// Copies the gradients that `tape` holds for `params` into chunk `chunk`'s buffer (one of this
  /// rank's chunks; chunks may be collected concurrently).
  void collect(Index chunk, const Tape& tape, std::span<Parameter* const> params);
  /// p.grad = Σ over all chunks of every rank, summed along tree_sum's fixed tree; the same on
  /// every rank.
  void reduce(std::span<Parameter* const> params);

 private:
  const Communicator* comm_ = &Communicator::self();
  Index chunks_ = 0;
  ChunkRange owned_;
  std::size_t width_ = 0;
  std::vector<std::vector<Scalar>> buffers_;  // [owned chunk][flattened parameters]
  std::vector<Scalar> total_;
  std::vector<Scalar> incoming_;
};

}  // namespace neuralrg
