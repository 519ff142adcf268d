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

/// A first-order optimizer. A plugin implements learning_rate(), do_step(), state() and
/// load_state(). The host owns the learning-rate schedule: it scales learning_rate() epoch by
/// epoch and passes the result to step(), which checks that the parameters are the same tensors,
/// in the same order and shapes, as on the first call, and that each grad matches its value.
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  /// The base learning rate the optimizer was configured with (what a schedule scales).
  virtual double learning_rate() const = 0;
  /// One update of every parameter from its grad, at the scheduled rate `lr`.
  void step(std::span<Parameter* const> params, Scalar lr);
  /// Everything needed to continue bit for bit after a restart.
  virtual std::vector<NamedMatrix> state() const = 0;
  /// Restores state(); throws std::runtime_error naming what does not match.
  virtual void load_state(std::span<const NamedMatrix> state) = 0;

 protected:
  /// step() after its checks.
  virtual void do_step(std::span<Parameter* const> params, Scalar lr) = 0;

 private:
  std::vector<const Parameter*> seen_;  // the first call's parameters, to hold later calls to them
};

}  // namespace neuralrg
