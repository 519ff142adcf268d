// The hierarchical bijector: block bijectors arranged on the layers of a HierarchyPlan.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "flow/geometry.hpp"
#include "neuralrg/bijector.hpp"

namespace neuralrg {

/// Makes the bijector of one block (or one whole layer when weights are shared). `instance`
/// numbers the bijectors from 0 so each can get its own seed.
using BijectorMaker = std::function<std::unique_ptr<Bijector>(Index width, Index instance)>;

/// x ⇄ z in place: z keeps x's layout, like a lifting wavelet. Each layer gathers its blocks into
/// rows of `width` columns, applies a bijector to all of them at once and scatters them back.
class Hierarchy {
 public:
  /// shared = true: one bijector per layer (weights shared across its blocks); false: one per
  /// block.
  Hierarchy(HierarchyPlan plan, bool shared, const BijectorMaker& make);

  /// Inference (the RG direction): z = g⁻¹(x) with log|det ∂z/∂x| per row.
  Transformed inverse(Var x) const;
  /// Generation: x = g(z) with log|det ∂x/∂z| per row.
  Transformed forward(Var z) const;

  const HierarchyPlan& plan() const { return plan_; }
  /// Bijector instances: one per layer when shared, else one per block of every layer.
  Index bijector_count() const { return static_cast<Index>(bijectors_.size()); }
  std::vector<Parameter*> parameters() const;

 private:
  Var apply_layer(std::size_t layer, Var x, Var& log_det, bool inverse) const;

  HierarchyPlan plan_;
  bool shared_;
  std::vector<std::unique_ptr<Bijector>> bijectors_;
  std::vector<std::vector<Parameter*>> parameters_;  ///< Per bijector, fixed at construction.
  std::vector<std::size_t> first_bijector_;          ///< Per layer, index into bijectors_.
  /// Per layer, the sites in element-major order (column c·blocks + b is element c of block b):
  /// with column-major storage, gathering in this order makes the (batch × blocks·w) matrix the
  /// same memory as the (blocks·batch × w) matrix of block rows, so no copy is needed.
  std::vector<std::vector<Index>> element_major_;
};

}  // namespace neuralrg
