#include "mlp.hpp"

#include <cmath>

namespace conditioner {

using namespace neuralrg;

Mlp::Mlp(const std::string& name, const std::vector<Index>& widths, ActivationChoice act, Rng& rng)
    : activation_(act) {
  for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
    const Scalar bound = 1 / std::sqrt(static_cast<Scalar>(widths[i]));
    auto uniform = [&](Index r, Index c) {
      Matrix m(r, c);
      for (Index k = 0; k < m.size(); ++k) m.data()[k] = bound * (2 * rng.uniform() - 1);
      return m;
    };
    weights_.push_back({name + ".W" + std::to_string(i), uniform(widths[i + 1], widths[i]), {}});
    biases_.push_back({name + ".b" + std::to_string(i), uniform(1, widths[i + 1]), {}});
  }
}

Var Mlp::operator()(Var x, Var input_mask, neuralrg::Activation output) const {
  Tape& tape = x.tape();
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    Var W = tape.param(weights_[i]);
    if (i == 0) W = mul(W, input_mask);
    Var b = tape.param(biases_[i]);
    const bool last = i + 1 == weights_.size();
    if (last) {
      x = output == neuralrg::Activation::Identity ? linear(x, W, b) : dense(x, W, b, output);
    } else if (activation_ == ActivationChoice::Softplus) {
      x = softplus(linear(x, W, b));
    } else {
      // One fused op per hidden layer: the pre-activation is never stored.
      x = dense(x, W, b,
                activation_ == ActivationChoice::Elu ? neuralrg::Activation::Elu
                                                     : neuralrg::Activation::Tanh);
    }
  }
  return x;
}

void Mlp::collect(std::vector<Parameter*>& out) {
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    out.push_back(&weights_[i]);
    out.push_back(&biases_[i]);
  }
}

void Mlp::zero_output_layer() {
  weights_.back().value.setZero();
  biases_.back().value.setZero();
}

}  // namespace conditioner
