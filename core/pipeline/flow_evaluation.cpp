#include "pipeline/flow_evaluation.hpp"

#include <algorithm>
#include <cmath>

#include "autodiff/parallel.hpp"

namespace neuralrg {

FlowEvaluation evaluate_flow(const Flow& flow, const Target& target, std::uint64_t seed,
                             Index samples) {
  // About 64 K sites per chunk, as the train stage's batches: tapes stay in cache.
  const Index chunk = std::clamp<Index>((Index{1} << 16) / flow.sites(), 1, 256);
  ChunkRunner runner(chunk);
  Matrix losses(samples, 1);
  runner.run(samples, [&](Index c, Index begin, Index end, Tape& tape) {
    tape.freeze_parameters(true);
    Rng rng = Rng::stream(seed, "evaluate", static_cast<std::uint64_t>(c));
    const FlowSample s = flow.sample(tape, end - begin, rng);
    losses.middleRows(begin, end - begin) = add(s.log_q, target.energy(s.x)).value();
  });
  FlowEvaluation out{samples, loss_statistics(losses), 0, target.exact_free_energy()};
  out.bound_stderr = out.loss.std / std::sqrt(static_cast<double>(samples));
  return out;
}

}  // namespace neuralrg
