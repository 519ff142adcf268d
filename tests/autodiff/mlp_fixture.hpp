// A small MLP built from tape ops, shared by the autodiff tests.
#pragma once

#include <vector>

#include "neuralrg/autodiff.hpp"
#include "support/random_matrix.hpp"

namespace neuralrg::test {

struct Mlp {
  std::vector<Parameter> weights, biases;

  Mlp(const std::vector<Index>& widths, std::uint64_t seed) {
    for (std::size_t i = 0; i + 1 < widths.size(); ++i) {
      weights.push_back({"W" + std::to_string(i),
                         random_matrix(widths[i + 1], widths[i], seed + 2 * i, 0.5),
                         {}});
      biases.push_back(
          {"b" + std::to_string(i), random_matrix(1, widths[i + 1], seed + 2 * i + 1, 0.1), {}});
    }
  }

  Var operator()(Var x) {
    Tape& tape = x.tape();
    for (std::size_t i = 0; i < weights.size(); ++i) {
      x = linear(x, tape.param(weights[i]), tape.param(biases[i]));
      if (i + 1 < weights.size()) x = elu(x);
    }
    return x;
  }

  std::vector<Parameter*> parameters() {
    std::vector<Parameter*> out;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      out.push_back(&weights[i]);
      out.push_back(&biases[i]);
    }
    return out;
  }
};

}  // namespace neuralrg::test
