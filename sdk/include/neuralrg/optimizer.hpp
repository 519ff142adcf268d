// Optimizer: updates parameters from their gradients.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "neuralrg/autodiff.hpp"

namespace neuralrg {

/// A named tensor of optimizer state, saved in checkpoints.
struct NamedMatrix {
  std::string name;
  Matrix value;
};

/// What the host tells an optimizer factory (reserved for future fields).
struct OptimizerContext {};

/// A first-order optimizer. The host owns the learning-rate schedule and passes the current rate.
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// One update of every parameter from its grad (always the same parameters, same order).
  virtual void step(std::span<Parameter* const> params, Scalar lr) = 0;
  /// Everything needed to continue bit for bit after a restart.
  virtual std::vector<NamedMatrix> state() const = 0;
  /// Restores state(); throws std::runtime_error naming what does not match.
  virtual void load_state(std::span<const NamedMatrix> state) = 0;
};

}  // namespace neuralrg
