// A bijector applied to a layer's rows in tiles on a scratch tape, with only its outputs kept on
// the caller's tape; the backward pass recomputes each tile's intermediates and back-propagates
// through them while they are still in cache.
//
// Why: a block's coupling networks produce ~10³ intermediates per row. Stored for a whole batch
// chunk they are tens of MB per thread, so the backward pass streams them from DRAM (zeroing
// the adjoints alone was 13 % of a latent-HMC gradient). One extra forward per tile is cheaper than
// that traffic, and the tape of a training step shrinks to the layers' inputs and outputs (the
// gradient checkpointing of reversible networks, at the granularity of one block layer).
#pragma once

#include <span>

#include "neuralrg/bijector.hpp"

namespace neuralrg {

/// Rows per tile. A tile's scratch tape (values, adjoints, scratch) of the default Real NVP
/// block is ~2 MB at this size, inside the L2 + L3 share of one core; 96 to 192 rows measured
/// alike, 32 and 512 were clearly slower (per-op costs, cache misses).
inline constexpr Index kBlockTileRows = 128;

/// b.forward(x) (or b.inverse(x)) evaluated tile by tile. `params` are b's parameters (they must
/// outlive the tape's current step); their gradients are accumulated into the caller tape's
/// parameter leaves. Layers with at most
/// `tile_rows` rows run directly on the caller's tape, which gives the same values.
Transformed apply_tiled(const Bijector& b, std::span<Parameter* const> params, Var x, bool inverse,
                        Index tile_rows = kBlockTileRows);

}  // namespace neuralrg
