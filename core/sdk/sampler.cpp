// Sampler::sweep: the chunk a sampler hands back keeps its shapes and valid acceptances.
#include "neuralrg/sampler.hpp"

#include "sdk/contract_check.hpp"

namespace neuralrg {

void Sampler::sweep(const SamplingSpace& space, ChainChunk& chains, Rng& rng) const {
  const Index rows = chains.state.rows(), dim = chains.state.cols();
  do_sweep(space, chains, rng);
  const char* method = "sampler sweep";
  detail::require_result_shape(method, "states", chains.state.rows(), chains.state.cols(), rows,
                               dim);
  detail::require_result_shape(method, "energies", chains.energy.rows(), chains.energy.cols(), rows,
                               1);
  detail::require_result_shape(method, "acceptances", chains.accepted.rows(),
                               chains.accepted.cols(), rows, 1);
  if (chains.gradient.size() != 0)
    detail::require_result_shape(method, "gradients", chains.gradient.rows(),
                                 chains.gradient.cols(), rows, dim);
  for (Index r = 0; r < rows; ++r)
    if (!(chains.accepted(r, 0) >= 0 && chains.accepted(r, 0) <= 1))
      detail::contract_error(method, fmt::format("acceptance {} of chain {} is outside [0, 1]",
                                                 chains.accepted(r, 0), r));
}

}  // namespace neuralrg
