// Every plugin object the host creates is wrapped in a guard of its kind, so an exception from
// plugin code (or a contract check of the SDK's base classes) reaches the user naming the plugin
// and the method: "target 'phi4' energy: returned energies of 64×16; expected 64×1".
#pragma once

#include <stdexcept>
#include <string>

#include "neuralrg/plugin.hpp"

namespace neuralrg {

/// An exception from a plugin's method, with the plugin's kind, name and method in what().
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The factory, with every object it makes wrapped in its kind's guard.
BijectorFactory guarded(std::string name, BijectorFactory factory);
TargetFactory guarded(std::string name, TargetFactory factory);
PriorFactory guarded(std::string name, PriorFactory factory);
OptimizerFactory guarded(std::string name, OptimizerFactory factory);
SamplerFactory guarded(std::string name, SamplerFactory factory);

/// The target as its plugin's factory made it, inside its guard if it has one: what a plugin
/// that downcasts the target to its own type (SamplerContext::target) must be given.
const Target& unguarded(const Target& target);

}  // namespace neuralrg
