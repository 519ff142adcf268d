#include "sampling/sampler_schedule.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace neuralrg {

SamplerSchedule::SamplerSchedule(std::vector<ScheduledSampler> samplers, Combination combination)
    : samplers_(std::move(samplers)), combination_(combination) {
  if (samplers_.empty()) throw std::invalid_argument("a sampler schedule needs a sampler");
  for (const auto& s : samplers_) {
    if (s.every < 1)
      throw std::invalid_argument(fmt::format("{}: every must be at least 1", s.name));
    if (!(s.weight > 0) || !std::isfinite(s.weight))
      throw std::invalid_argument(fmt::format("{}: weight must be positive", s.name));
  }
  // A sweep in which nothing moves would still be measured, and count as a sweep in τ_int.
  const bool every_sweep_moves = std::any_of(
      samplers_.begin(), samplers_.end(), [](const ScheduledSampler& s) { return s.every == 1; });
  if (combination_ == Combination::cycle && !every_sweep_moves)
    throw std::invalid_argument(
        "in a cycle, some sampler must act every sweep (every: 1), or some sweeps move nothing");
}

SamplerSchedule::SamplerSchedule(std::shared_ptr<Sampler> sampler, std::string name)
    : combination_(Combination::cycle) {
  samplers_.push_back({std::move(sampler), std::move(name), 1, 1});
}

std::vector<std::size_t> SamplerSchedule::acting(long long sweep, std::uint64_t seed,
                                                 const std::string& stream) const {
  std::vector<std::size_t> out;
  if (combination_ == Combination::cycle) {
    for (std::size_t k = 0; k < samplers_.size(); ++k)
      if (sweep % samplers_[k].every == 0) out.push_back(k);
    return out;
  }
  const double total =
      std::accumulate(samplers_.begin(), samplers_.end(), 0.0,
                      [](double t, const ScheduledSampler& s) { return t + s.weight; });
  double u =
      Rng::stream(seed, stream + ".mixture", static_cast<std::uint64_t>(sweep)).uniform() * total;
  std::size_t k = 0;
  while (k + 1 < samplers_.size() && u >= samplers_[k].weight) u -= samplers_[k++].weight;
  out.push_back(k);
  return out;
}

}  // namespace neuralrg
