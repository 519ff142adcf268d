// A sum over chunks that does not depend on how the chunks are spread over ranks or threads.
#pragma once

#include <vector>

#include "distributed/communicator.hpp"

namespace neuralrg {

/// Σ over the `chunks` vectors (each `width` long), summed pairwise along one binary tree over the
/// chunk indices: the node of level l and index j is the sum of chunks [j·2^l, (j+1)·2^l) ∩
/// [0, chunks), its left child plus its right child. The tree is fixed by `chunks` alone, so the
/// result is bit-identical for any rank count; rank r holds `mine[c − begin]` for the chunks
/// comm.owned(chunks) gives it, and the sum of a subtree is formed on the rank owning its first
/// chunk (one message per rank and level at most). `mine` is overwritten with partial sums; every
/// rank gets the total in `total`. `incoming` is scratch for a message (kept by the caller so a
/// training step does not allocate).
void tree_sum(const Communicator& comm, Index chunks, std::size_t width,
              std::vector<std::vector<Scalar>>& mine, std::vector<Scalar>& total,
              std::vector<Scalar>& incoming);

}  // namespace neuralrg
