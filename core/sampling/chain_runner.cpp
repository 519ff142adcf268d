#include "sampling/chain_runner.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "analysis/rank_normalized.hpp"

namespace neuralrg {
namespace {

Index rows_of(const ChainOptions& o, Index chunk) {
  return std::min(o.chunk, o.chains - chunk * o.chunk);
}

// The chunks this rank runs (all of them on one process).
ChunkRange my_chunks(const ChainOptions& o) {
  return o.comm->owned((o.chains + o.chunk - 1) / o.chunk);
}

template <class Body>
void for_each_chunk(std::vector<ChainChunk>& chunks, ChunkRange mine, Body&& body) {
  tbb::parallel_for(mine.begin, mine.end,
                    [&](Index c) { body(c, chunks[static_cast<std::size_t>(c)]); });
}

// This rank's chunks' matrices, column-major, one after another.
std::vector<Scalar> packed_chunks(ChunkRange mine, const std::vector<Matrix>& per_chunk) {
  std::vector<Scalar> packed;
  for (Index c = mine.begin; c < mine.end; ++c) {
    const Matrix& m = per_chunk[static_cast<std::size_t>(c)];
    packed.insert(packed.end(), m.data(), m.data() + m.size());
  }
  return packed;
}

// Every chunk's matrix (`cols` columns, the chunk's rows) from all ranks' packed chunks.
void unpack_chunks(const ChainOptions& o, const std::vector<std::byte>& all,
                   std::vector<Matrix>& per_chunk, Index cols) {
  const auto* next = reinterpret_cast<const Scalar*>(all.data());
  for (std::size_t c = 0; c < per_chunk.size(); ++c) {
    Matrix& m = per_chunk[c];
    m.resize(rows_of(o, static_cast<Index>(c)), cols);
    std::copy_n(next, m.size(), m.data());
    next += m.size();
  }
}

// The matrices of every rank's chunks on every rank.
void share_chunks(const ChainOptions& o, ChunkRange mine, std::vector<Matrix>& per_chunk,
                  Index cols) {
  if (o.comm->size() == 1) return;
  const std::vector<Scalar> packed = packed_chunks(mine, per_chunk);
  unpack_chunks(o, o.comm->all_gather(std::as_bytes(std::span(packed))), per_chunk, cols);
}

// Every chain starts from a fresh proposal of the space or from o.start's configuration, with its
// energy and proposal density.
std::vector<ChainChunk> initial_chunks(const ChainSpace& space, const ChainOptions& o) {
  std::vector<ChainChunk> chunks(static_cast<std::size_t>((o.chains + o.chunk - 1) / o.chunk));
  for_each_chunk(chunks, my_chunks(o), [&](Index c, ChainChunk& chunk) {
    Rng rng = Rng::stream(o.seed, o.stream + ".init", 0, static_cast<std::uint64_t>(c));
    chunk.state.resize(rows_of(o, c), space.dim());
    chunk.log_proposal.resize(rows_of(o, c), 1);
    chunk.energy.resize(rows_of(o, c), 1);
    chunk.accepted.setZero(rows_of(o, c), 1);
    if (o.start) {
      Matrix x(rows_of(o, c), space.dim());
      o.start(rng, c * o.chunk, x);
      space.from_physical(x, chunk.state);
      space.proposal_log_density(chunk.state, chunk.log_proposal);
    } else {
      space.propose(rng, chunk.state, chunk.log_proposal);
    }
    space.energy(chunk.state, chunk.energy, nullptr);
  });
  return chunks;
}

// The time series of each observable averaged over all chains, and over each of kRHatGroups
// groups of consecutive chains (for R̂ and the between-group error).
class SeriesRecorder {
 public:
  SeriesRecorder(std::size_t observables, const ChainOptions& o)
      : o_(o),
        groups_(std::min(kRHatGroups, o.chains)),
        series_(observables),
        group_series_(observables, std::vector<std::vector<double>>(groups_)),
        group_size_(groups_, 0) {
    for (Index chain = 0; chain < o.chains; ++chain) ++group_size_[group_of(chain)];
  }

  void record(const std::vector<Matrix>& measured) {
    std::vector<double> group_sum(groups_);
    for (std::size_t k = 0; k < series_.size(); ++k) {
      std::fill(group_sum.begin(), group_sum.end(), 0.0);
      for (std::size_t c = 0; c < measured.size(); ++c)
        for (Index r = 0; r < measured[c].rows(); ++r)
          group_sum[group_of(static_cast<Index>(c) * o_.chunk + r)] +=
              measured[c](r, static_cast<Index>(k));
      double total = 0;
      for (std::size_t g = 0; g < groups_; ++g) {
        total += group_sum[g];
        group_series_[k][g].push_back(group_sum[g] / static_cast<double>(group_size_[g]));
      }
      series_[k].push_back(total / static_cast<double>(o_.chains));
    }
  }

  long long measurements() const {
    return series_.empty() ? 0 : static_cast<long long>(series_[0].size());
  }

  ObservableResult result(std::size_t k, const std::string& name) const {
    SeriesEstimate e = analyze_series(series_[k]);
    const double series_error = e.stderr_;
    // Groups of independent chains that disagree by more than the time series' error bar reveal
    // modes the chains did not leave during the run; the error bar must cover that spread too.
    e.stderr_ = std::max(e.stderr_, between_sequence_stderr(group_series_[k]));
    const double ess_from_tau =
        static_cast<double>(o_.chains) * static_cast<double>(series_[k].size()) / (2 * e.tau_int);
    const double shrink = e.stderr_ > 0 ? series_error / e.stderr_ : 1.0;
    const double chains_per_group = static_cast<double>(o_.chains) / static_cast<double>(groups_);
    return {name,
            e,
            ess_from_tau * shrink * shrink,
            rank_normalized_r_hat(group_series_[k]),
            bulk_effective_sample_size(group_series_[k]) * chains_per_group,
            tail_effective_sample_size(group_series_[k]) * chains_per_group,
            series_[k],
            group_series_[k]};
  }

 private:
  std::size_t group_of(Index chain) const {
    return static_cast<std::size_t>(chain * static_cast<Index>(groups_) / o_.chains);
  }
  const ChainOptions& o_;
  std::size_t groups_;
  std::vector<std::vector<double>> series_;
  std::vector<std::vector<std::vector<double>>> group_series_;  // [observable][group]
  std::vector<Index> group_size_;
};

// Σ over all chunks, in chunk order, of each chunk's number of accepted moves.
double accepted_moves(const ChainOptions& o, ChunkRange mine,
                      const std::vector<ChainChunk>& chunks) {
  std::vector<double> per_chunk;
  for (Index c = mine.begin; c < mine.end; ++c)
    per_chunk.push_back(chunks[static_cast<std::size_t>(c)].accepted.sum());
  if (o.comm->size() > 1) {
    const auto all = o.comm->all_gather(std::as_bytes(std::span(per_chunk)));
    per_chunk.resize(all.size() / sizeof(double));
    std::memcpy(per_chunk.data(), all.data(), all.size());
  }
  double accepted = 0;
  for (const double a : per_chunk) accepted += a;
  return accepted;
}

// The chains' physical states on rank 0, each chunk sent by its owner as its own message (a
// chunk, not all chains, must fit one MPI message).
Matrix final_states(const ChainSpace& space, const ChainOptions& o, ChunkRange mine,
                    const std::vector<ChainChunk>& chunks, std::vector<Matrix>& physical) {
  for (Index c = mine.begin; c < mine.end; ++c)
    space.to_physical(chunks[static_cast<std::size_t>(c)].state,
                      physical[static_cast<std::size_t>(c)]);
  const Communicator& comm = *o.comm;
  if (comm.size() > 1) {
    std::vector<Communicator::Message> sends;
    std::vector<Communicator::Message> receives;
    const auto count = static_cast<Index>(chunks.size());
    for (Index c = 0; c < count; ++c) {
      Matrix& m = physical[static_cast<std::size_t>(c)];
      const int owner = comm.owner(c, count);
      if (owner == 0) continue;
      if (comm.is_root()) {
        m.resize(rows_of(o, c), space.dim());
        receives.push_back(
            {owner, static_cast<int>(c),
             std::as_writable_bytes(std::span(m.data(), static_cast<std::size_t>(m.size())))});
      } else if (owner == comm.rank()) {
        sends.push_back(
            {0, static_cast<int>(c),
             std::as_writable_bytes(std::span(m.data(), static_cast<std::size_t>(m.size())))});
      }
    }
    comm.exchange(sends, receives);
    if (!comm.is_root()) return {};
  }
  Matrix x(o.chains, space.dim());
  for (std::size_t c = 0; c < chunks.size(); ++c)
    x.middleRows(static_cast<Index>(c) * o.chunk, rows_of(o, static_cast<Index>(c))) = physical[c];
  return x;
}

// The acceptance of each sampler over the measured sweeps it acted in.
class AcceptanceTally {
 public:
  explicit AcceptanceTally(const SamplerSchedule& schedule) : schedule_(schedule) {
    for (std::size_t k = 0; k < schedule.size(); ++k)
      kinds_.push_back(schedule.sampler(k).move_kind());
    sum_.assign(schedule.size(), 0);
    sweeps_.assign(schedule.size(), 0);
  }
  MoveKind kind(std::size_t k) const { return kinds_[k]; }
  void add(std::size_t k, double rate) { sum_[k] += rate, ++sweeps_[k]; }

  void fill(ChainResult& result) const {
    double sum = 0;
    long long moves = 0;
    for (std::size_t k = 0; k < sum_.size(); ++k) {
      const double mean = sweeps_[k] ? sum_[k] / static_cast<double>(sweeps_[k]) : 0;
      result.samplers.push_back({schedule_.name(k), kinds_[k], mean, sweeps_[k]});
      sum += sum_[k], moves += sweeps_[k];
    }
    result.acceptance = moves ? sum / static_cast<double>(moves) : 0;
  }

 private:
  const SamplerSchedule& schedule_;
  std::vector<MoveKind> kinds_;
  std::vector<double> sum_;
  std::vector<long long> sweeps_;
};

// The random stream of sampler k's moves in one sweep and chunk. The first sampler keeps the
// stream a lone sampler has always had, so single-sampler results do not change.
Rng move_stream(const ChainOptions& o, std::size_t k, long long sweep, Index chunk) {
  const std::string name = k == 0 ? o.stream : fmt::format("{}.{}", o.stream, k);
  return Rng::stream(o.seed, name, static_cast<std::uint64_t>(sweep),
                     static_cast<std::uint64_t>(chunk));
}

}  // namespace

ChainResult run_chains(const ChainSpace& space, const SamplerSchedule& schedule,
                       const Target& target, const ChainOptions& o) {
  const auto observables = target.observables();
  const ChunkRange mine = my_chunks(o);
  std::vector<ChainChunk> chunks = initial_chunks(space, o);
  SeriesRecorder recorder(observables.size(), o);
  AcceptanceTally tally(schedule);
  std::vector<Matrix> measured(chunks.size());
  std::vector<Matrix> physical(chunks.size());  // reused every measurement
  bool proposal_densities_current = true;       // initial_chunks computed them
  auto start = std::chrono::steady_clock::now();
  for (long long sweep = 0; sweep < o.warmup + o.sweeps; ++sweep) {
    if (o.before_sweep) o.before_sweep(sweep);
    const bool warmup = sweep < o.warmup;
    if (sweep == o.warmup) start = std::chrono::steady_clock::now();
    const bool measure = !warmup && (sweep - o.warmup) % o.measure_every == 0;
    const std::vector<std::size_t> acting = schedule.acting(sweep, o.seed, o.stream);
    for (std::size_t step = 0; step < acting.size(); ++step) {
      const std::size_t k = acting[step];
      const bool independence = tally.kind(k) == MoveKind::independence;
      const bool refresh = independence && !proposal_densities_current;
      const bool measure_now = measure && step + 1 == acting.size();
      for_each_chunk(chunks, mine, [&](Index c, ChainChunk& chunk) {
        Rng rng = move_stream(o, k, sweep, c);
        if (refresh) space.proposal_log_density(chunk.state, chunk.log_proposal);
        schedule.sampler(k).sweep(space, chunk, rng);
        if (measure_now) {
          Matrix& x = physical[static_cast<std::size_t>(c)];
          space.to_physical(chunk.state, x);
          target.measure(x, rng, measured[static_cast<std::size_t>(c)]);
        }
      });
      // Only an independence sampler keeps the densities of the states it moves to.
      proposal_densities_current = independence;
      const double rate = accepted_moves(o, mine, chunks) / static_cast<double>(o.chains);
      schedule.sampler(k).end_sweep(rate, warmup);  // serial and in order: deterministic
      if (!warmup) tally.add(k, rate);
    }
    if (measure) {
      share_chunks(o, mine, measured, static_cast<Index>(observables.size()));
      recorder.record(measured);
    }
  }
  ChainResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  tally.fill(result);
  result.measurements = recorder.measurements();
  for (std::size_t k = 0; k < observables.size(); ++k)
    result.observables.push_back(recorder.result(k, observables[k].name));
  if (o.keep_final_states) result.final_x = final_states(space, o, mine, chunks, physical);
  return result;
}

ChainResult run_chains(const ChainSpace& space, Sampler& sampler, const Target& target,
                       const ChainOptions& options) {
  // Borrowed: the caller owns the sampler, so the schedule's handle must not delete it.
  const SamplerSchedule one(std::shared_ptr<Sampler>(&sampler, [](Sampler*) {}), "sampler");
  return run_chains(space, one, target, options);
}

}  // namespace neuralrg
