#include "sampling/chain_runner.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>

namespace neuralrg {

ChainResult run_chains(const ChainSpace& space, Sampler& sampler, const Target& target,
                       const ChainOptions& o) {
  const Index n_chunks = (o.chains + o.chunk - 1) / o.chunk;
  const auto observables = target.observables();
  const std::size_t n_obs = observables.size();
  std::vector<ChainChunk> chunks(static_cast<std::size_t>(n_chunks));
  auto rows_of = [&](Index c) { return std::min(o.chunk, o.chains - c * o.chunk); };
  auto for_each_chunk = [&](auto&& body) {
    tbb::parallel_for(Index{0}, n_chunks,
                      [&](Index c) { body(c, chunks[static_cast<std::size_t>(c)]); });
  };

  for_each_chunk([&](Index c, ChainChunk& chunk) {
    Rng rng = Rng::stream(o.seed, o.stream + ".init", 0, static_cast<std::uint64_t>(c));
    chunk.state.resize(rows_of(c), space.dim());
    chunk.log_proposal.resize(rows_of(c), 1);
    chunk.energy.resize(rows_of(c), 1);
    chunk.accepted.setZero(rows_of(c), 1);
    space.propose(rng, chunk.state, chunk.log_proposal);
    space.energy(chunk.state, chunk.energy, nullptr);
  });

  std::vector<std::vector<double>> series(n_obs);
  const Index groups = std::min(kRHatGroups, o.chains);
  // group_series[k][g]: the time series of observable k averaged over the chains of group g.
  std::vector<std::vector<std::vector<double>>> group_series(
      n_obs, std::vector<std::vector<double>>(static_cast<std::size_t>(groups)));
  std::vector<double> group_sum(static_cast<std::size_t>(groups));
  std::vector<Index> group_size(static_cast<std::size_t>(groups), 0);
  for (Index chain = 0; chain < o.chains; ++chain)
    ++group_size[static_cast<std::size_t>(chain * groups / o.chains)];
  std::vector<Matrix> measured(static_cast<std::size_t>(n_chunks));
  std::vector<Matrix> physical(static_cast<std::size_t>(n_chunks));  // reused every measurement
  double acceptance_sum = 0;
  long long measured_sweeps = 0;
  auto start = std::chrono::steady_clock::now();
  for (long long sweep = 0; sweep < o.warmup + o.sweeps; ++sweep) {
    if (o.before_sweep) o.before_sweep(sweep);
    const bool warmup = sweep < o.warmup;
    if (sweep == o.warmup) start = std::chrono::steady_clock::now();
    const bool measure = !warmup && (sweep - o.warmup) % o.measure_every == 0;
    for_each_chunk([&](Index c, ChainChunk& chunk) {
      Rng rng = Rng::stream(o.seed, o.stream, static_cast<std::uint64_t>(sweep),
                            static_cast<std::uint64_t>(c));
      sampler.sweep(space, chunk, rng);
      if (measure) {
        Matrix& x = physical[static_cast<std::size_t>(c)];
        space.to_physical(chunk.state, x);
        target.measure(x, rng, measured[static_cast<std::size_t>(c)]);
      }
    });
    double accepted = 0;
    for (const auto& chunk : chunks) accepted += chunk.accepted.sum();
    const double rate = accepted / static_cast<double>(o.chains);
    sampler.end_sweep(rate, warmup);  // serial and in order: adaptation stays deterministic
    if (!warmup) {
      acceptance_sum += rate;
      ++measured_sweeps;
    }
    if (measure)
      for (std::size_t k = 0; k < n_obs; ++k) {
        double total = 0;
        std::fill(group_sum.begin(), group_sum.end(), 0.0);
        for (Index c = 0; c < n_chunks; ++c) {
          const Matrix& m = measured[static_cast<std::size_t>(c)];
          for (Index r = 0; r < m.rows(); ++r)
            group_sum[static_cast<std::size_t>((c * o.chunk + r) * groups / o.chains)] +=
                m(r, static_cast<Index>(k));
        }
        for (std::size_t g = 0; g < group_sum.size(); ++g) {
          total += group_sum[g];
          group_series[k][g].push_back(group_sum[g] / static_cast<double>(group_size[g]));
        }
        series[k].push_back(total / static_cast<double>(o.chains));
      }
  }
  ChainResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.acceptance = measured_sweeps ? acceptance_sum / static_cast<double>(measured_sweeps) : 0;
  result.measurements = series.empty() ? 0 : static_cast<long long>(series[0].size());
  for (std::size_t k = 0; k < n_obs; ++k) {
    SeriesEstimate e = analyze_series(series[k]);
    const double series_error = e.stderr_;
    // Groups of independent chains that disagree by more than the time series' error bar reveal
    // modes the chains did not leave during the run; the error bar must cover that spread too.
    e.stderr_ = std::max(e.stderr_, between_sequence_stderr(group_series[k]));
    const double ess_from_tau =
        static_cast<double>(o.chains) * static_cast<double>(series[k].size()) / (2 * e.tau_int);
    const double shrink = e.stderr_ > 0 ? series_error / e.stderr_ : 1.0;
    result.observables.push_back(
        {observables[k].name, e, ess_from_tau * shrink * shrink, split_r_hat(group_series[k])});
  }
  result.final_x.resize(o.chains, space.dim());
  for (Index c = 0; c < n_chunks; ++c) {
    Matrix& x = physical[static_cast<std::size_t>(c)];
    space.to_physical(chunks[static_cast<std::size_t>(c)].state, x);
    result.final_x.middleRows(c * o.chunk, rows_of(c)) = x;
  }
  return result;
}

}  // namespace neuralrg
