// An additive (NICE) coupling block: the rows' columns are split into halves a and b, and each
// layer shifts one half by a small network of the other, x_b = z_b + t(z_a), alternating halves.
// Volume preserving: log|det| = 0.
#pragma once

#include <neuralrg/neuralrg.hpp>

#include <cstdint>
#include <vector>

namespace additive {

class AdditiveCoupling final : public neuralrg::Bijector {
 public:
  AdditiveCoupling(neuralrg::Index width, int layers, neuralrg::Index hidden, std::uint64_t seed);

  neuralrg::Index width() const override { return width_; }
  std::vector<neuralrg::Parameter*> parameters() override;

 private:
  // Called by Bijector::forward/inverse once the input's width is checked.
  neuralrg::Transformed do_forward(neuralrg::Var z) const override { return apply(z, false); }
  neuralrg::Transformed do_inverse(neuralrg::Var x) const override { return apply(x, true); }

  struct Layer {
    neuralrg::Parameter W1, b1, W2, b2;  // t(a) = tanh(a W1ᵀ + b1) W2ᵀ + b2
  };
  neuralrg::Transformed apply(neuralrg::Var v, bool inverse) const;
  neuralrg::Var shift(neuralrg::Var a, std::size_t layer) const;

  neuralrg::Index width_, half_;
  std::vector<Layer> layers_;
};

}  // namespace additive
