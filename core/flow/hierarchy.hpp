// The hierarchical bijector: block bijectors arranged on the layers of a HierarchyPlan.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "flow/geometry.hpp"
#include "neuralrg/bijector.hpp"

namespace neuralrg {

/// Makes the bijector of one block (or of everything that shares its weights). `instance`
/// numbers the bijectors from 0 so each can get its own seed.
using BijectorMaker = std::function<std::unique_ptr<Bijector>(Index width, Index instance)>;

/// Which blocks share one bijector's weights.
enum class Sharing {
  block,  ///< None: every block of every layer has its own.
  layer,  ///< The blocks of one layer (translation invariance).
  scale,  ///< Every layer of one role: one disentangler and one decimator for all levels, a
          ///< fixed-point RG transformation (tebd: one bijector for all its layers).
};

/// "block", "layer" or "scale"; the flow section's booleans true (layer) and false (block) too.
/// Throws std::invalid_argument for anything else.
Sharing parse_sharing(const std::string& word);
/// "block", "layer" or "scale".
const char* to_string(Sharing sharing);

/// x ⇄ z in place: z keeps x's layout, like a lifting wavelet. Each layer gathers its blocks into
/// rows of `width` columns, applies a bijector to all of them at once and scatters them back.
class Hierarchy {
 public:
  /// Bijector instances are made in order of first use, layer by layer in inference order (so
  /// with Sharing::layer instance i is layer i's, whatever L).
  Hierarchy(HierarchyPlan plan, Sharing sharing, const BijectorMaker& make);

  /// Inference (the RG direction): z = g⁻¹(x) with log|det ∂z/∂x| per row.
  Transformed inverse(Var x) const;
  /// Generation: x = g(z) with log|det ∂x/∂z| per row.
  Transformed forward(Var z) const;

  const HierarchyPlan& plan() const { return plan_; }
  Sharing sharing() const { return sharing_; }
  /// Bijector instances: one per block of every layer, one per layer, or one per layer role.
  Index bijector_count() const { return static_cast<Index>(bijectors_.size()); }
  /// The parameters of bijector instance i (what a warm start copies instance by instance).
  const std::vector<Parameter*>& bijector_parameters(Index i) const {
    return parameters_[static_cast<std::size_t>(i)];
  }
  std::vector<Parameter*> parameters() const;

 private:
  Var apply_layer(std::size_t layer, Var x, Var& log_det, bool inverse) const;

  HierarchyPlan plan_;
  Sharing sharing_;
  std::vector<std::unique_ptr<Bijector>> bijectors_;
  std::vector<std::vector<Parameter*>> parameters_;  ///< Per bijector, fixed at construction.
  std::vector<std::size_t> first_bijector_;  ///< Per layer, index into bijectors_ (per block:
                                             ///< of its block 0).
  /// Per layer, the sites in element-major order (column c·blocks + b is element c of block b):
  /// with column-major storage, gathering in this order makes the (batch × blocks·w) matrix the
  /// same memory as the (blocks·batch × w) matrix of block rows, so no copy is needed.
  std::vector<std::vector<Index>> element_major_;
};

}  // namespace neuralrg
