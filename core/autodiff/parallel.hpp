// Deterministic data parallelism: a batch is cut into fixed-size chunks (independent of the
// thread count); each chunk runs on a thread-local tape; per-chunk results are combined in an
// order fixed by the chunk index (distributed/gradient_reducer.hpp). Hence results are
// bit-identical for any number of threads (and ranks).
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <utility>
#include <vector>

#include "neuralrg/autodiff.hpp"

namespace neuralrg {

/// Runs fn(chunk, begin, end, tape) over [0, rows) in chunks of `chunk_rows`, in parallel. The
/// tape is reset before each chunk and reused, so warm tapes do not allocate.
class ChunkRunner {
 public:
  explicit ChunkRunner(Index chunk_rows) : chunk_rows_(chunk_rows > 0 ? chunk_rows : 1) {}

  Index chunk_rows() const { return chunk_rows_; }
  Index chunks(Index rows) const { return (rows + chunk_rows_ - 1) / chunk_rows_; }

  template <class F>
  void run(Index rows, F&& fn) {
    run(rows, 0, chunks(rows), std::forward<F>(fn));
  }

  /// Runs only chunks [first, last) of the batch (one rank's share).
  template <class F>
  void run(Index rows, Index first, Index last, F&& fn) {
    tbb::parallel_for(
        tbb::blocked_range<Index>(first, last, 1),
        [&](const tbb::blocked_range<Index>& range) {
          Tape& tape = tapes_.local();
          for (Index c = range.begin(); c != range.end(); ++c) {
            tape.reset();
            const Index begin = c * chunk_rows_;
            const Index end = std::min(rows, begin + chunk_rows_);
            fn(c, begin, end, tape);
          }
        },
        tbb::simple_partitioner());
  }

  /// Sum over thread-local tapes of arena blocks ever obtained (for allocation tests).
  std::size_t arena_blocks() {
    std::size_t total = 0;
    for (auto& t : tapes_) total += t.arena_blocks();
    return total;
  }

 private:
  Index chunk_rows_;
  tbb::enumerable_thread_specific<Tape> tapes_;
};

}  // namespace neuralrg
