// Blocks composed in order (flow.block given as a list): a chain, as zuko, normflows and TFP
// offer, so e.g. a linear mixing block can precede a spline block inside every 2×2 block.
#pragma once

#include <memory>
#include <vector>

#include "neuralrg/bijector.hpp"

namespace neuralrg {

/// forward applies blocks[0], blocks[1], … and sums their log-dets; inverse undoes them in
/// reverse order. Every block must have the same width. The parameters of block k ≥ 1 are renamed
/// "blockK.NAME" so that a checkpoint names each tensor once.
class ChainBijector final : public Bijector {
 public:
  explicit ChainBijector(std::vector<std::unique_ptr<Bijector>> blocks);
  Index width() const override { return blocks_.front()->width(); }
  std::vector<Parameter*> parameters() override;

 private:
  Transformed do_forward(Var z) const override;
  Transformed do_inverse(Var x) const override;
  std::vector<std::unique_ptr<Bijector>> blocks_;
};

}  // namespace neuralrg
