// Several samplers as one Markov chain: the standard remedy for a flow that misses part of π is to
// interleave its independence proposals with local moves. Each sampler leaves π invariant, so any
// fixed sequence of them does, and so does a draw of one of them with weights independent of the
// state. The host composes; a sampler plugin never holds others, so it needs no extra API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "neuralrg/sampler.hpp"

namespace neuralrg {

struct ScheduledSampler {
  std::shared_ptr<Sampler> sampler;
  std::string name;     ///< The plugin's, for acceptance per component.
  long long every = 1;  ///< cycle: acts on the sweeps this divides.
  double weight = 1;    ///< mixture: relative probability of being drawn for a sweep.
};

enum class Combination {
  cycle,    ///< Every sweep runs each sampler whose `every` divides the sweep, in list order.
  mixture,  ///< Every sweep runs one sampler, drawn with probability ∝ weight.
};

class SamplerSchedule {
 public:
  /// Checks the weights (positive, finite) and that some sampler acts on every sweep of a cycle.
  SamplerSchedule(std::vector<ScheduledSampler> samplers, Combination combination);
  /// One sampler acting every sweep; a schedule that only borrows it when it is not owned.
  SamplerSchedule(std::shared_ptr<Sampler> sampler, std::string name);

  std::size_t size() const { return samplers_.size(); }
  Sampler& sampler(std::size_t k) const { return *samplers_[k].sampler; }
  const std::string& name(std::size_t k) const { return samplers_[k].name; }
  Combination combination() const { return combination_; }

  /// The samplers acting in `sweep`, in order. A mixture's draw comes from its own stream of
  /// (seed, stream, sweep), so every rank and thread count draws the same sampler.
  std::vector<std::size_t> acting(long long sweep, std::uint64_t seed,
                                  const std::string& stream) const;

 private:
  std::vector<ScheduledSampler> samplers_;
  Combination combination_;
};

}  // namespace neuralrg
