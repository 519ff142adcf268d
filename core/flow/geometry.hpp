// Lattice geometry of the hierarchical flow: which sites each layer's blocks gather, and the
// scale at which every latent variable is set aside.
#pragma once

#include <string>
#include <vector>

#include "neuralrg/types.hpp"

namespace neuralrg {

enum class LayerRole { Disentangler, Decimator };

/// One layer of the hierarchy in inference order (x → z).
struct LayerPlan {
  LayerRole role;
  int level;                 ///< ℓ: the layer acts on sites that are multiples of 2^ℓ.
  Index blocks;              ///< Blocks in this layer.
  std::vector<Index> index;  ///< blocks × width site numbers, block-major, columns in (a,b) order.
};

/// "16×16": a lattice for messages.
std::string extent_text(const std::vector<Index>& extent);

/// The layers of a layout and the scale of every latent site.
struct HierarchyPlan {
  std::vector<Index> extent;      ///< {L, L} or {L}.
  Index width = 4;                ///< Block inputs: 4 (2×2) in 2D, 2 in 1D.
  std::vector<LayerPlan> layers;  ///< In inference order [D₀, M₀, D₁, M₁, …].
  std::vector<int> site_scale;    ///< Level at which each site became latent.
  int scales = 0;                 ///< Number of distinct scale values.
  Index sites() const;
};

/// Builds the plan for `layout` ("mera", "tebd" or "tree") on a periodic lattice of `extent`
/// (L a power of two, 2 ≤ L ≤ 256). depth = 0 means the full hierarchy (mera/tree: log2 L levels;
/// tebd: 2·log2 L layers); otherwise the number of levels (mera/tree) or layers (tebd).
/// Throws std::invalid_argument with a message naming the bad value.
HierarchyPlan plan_hierarchy(const std::vector<Index>& extent, const std::string& layout,
                             int depth);

}  // namespace neuralrg
