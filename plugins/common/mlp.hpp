// A fully connected network built from tape ops: the conditioner of a coupling, shared by the
// coupling plugins (Real NVP, splines). Compiled into each plugin; not part of the SDK.
#pragma once

#include <string>
#include <vector>

#include <neuralrg/neuralrg.hpp>

namespace conditioner {

enum class ActivationChoice { Elu, Tanh, Softplus };

/// The schema's "activation" choice ("elu", "tanh" or "softplus").
inline ActivationChoice parse_activation(const std::string& name) {
  return name == "tanh"       ? ActivationChoice::Tanh
         : name == "softplus" ? ActivationChoice::Softplus
                              : ActivationChoice::Elu;
}

class Mlp {
 public:
  /// widths = [in, hidden..., out]; weights initialised like PyTorch's nn.Linear:
  /// U(−1/√fan_in, 1/√fan_in) for weights and biases.
  Mlp(const std::string& name, const std::vector<neuralrg::Index>& widths, ActivationChoice act,
      neuralrg::Rng& rng);

  /// The network on x, with `output` applied to the last layer (fused into it); `input_mask`
  /// (1×in, 0/1) zeroes inputs by masking the first layer's columns, which costs a w×in product
  /// instead of a batch×in one.
  neuralrg::Var operator()(neuralrg::Var x, neuralrg::Var input_mask,
                           neuralrg::Activation output = neuralrg::Activation::Identity) const;

  void collect(std::vector<neuralrg::Parameter*>& out);

  /// Zeroes the last layer's weights and bias: the network then outputs 0 for every input, so a
  /// coupling it conditions can start as the identity and still learn (the hidden layers are
  /// random, so the last layer's gradient is not zero).
  void zero_output_layer();

 private:
  std::vector<neuralrg::Parameter> weights_, biases_;
  ActivationChoice activation_;
};

}  // namespace conditioner
