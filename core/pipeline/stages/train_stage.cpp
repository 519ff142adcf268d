#include "pipeline/stages/train_stage.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <optional>

#include "autodiff/parallel.hpp"
#include "distributed/gradient_reducer.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/stages/train_files.hpp"
#include "pipeline/stages/train_resume.hpp"
#include "pipeline/stages/train_statistics.hpp"
#include "pipeline/warm_start.hpp"
#include "report/progress.hpp"
#include "report/training_summary.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

double scheduled_lr(const Params& p, double base, long long epoch) {
  // A linear ramp over the first lr_warmup epochs: a fresh optimizer's first steps move every
  // weight by about the full learning rate (Adam's first step is lr·sign(g)), which undoes most
  // of a warm start (docs/growing-the-lattice.md).
  const long long warmup = p.integer("lr_warmup");
  if (epoch < warmup) base *= static_cast<double>(epoch + 1) / static_cast<double>(warmup);
  const std::string& kind = p.text("lr_schedule");
  if (kind == "cosine")
    return base * 0.5 *
           (1 + std::cos(std::numbers::pi * static_cast<double>(epoch) /
                         static_cast<double>(p.integer("epochs"))));
  if (kind == "step")
    return base * std::pow(p.real("lr_step_factor"),
                           static_cast<double>(epoch / p.integer("lr_step_every")));
  return base;
}

// Divergence: a non-finite loss or gradient, or a loss far above where training started. The loss
// is a variational bound that training lowers; one batch's mean scatters around it by
// loss_std/√batch, far less than the initial loss's own magnitude plus its spread. A loss more
// than kDivergenceFactor times that scale above the initial one is neither noise nor an unlucky
// step (lr = 1 on L = 4 reaches 1e47 within tens of epochs); a bound that has merely stalled or
// risen a little is left to the user.
constexpr double kDivergenceFactor = 10;

std::optional<std::string> divergence(const LossStatistics& now, double norm_sq,
                                      const LossStatistics& initial) {
  if (!std::isfinite(now.mean) || !std::isfinite(norm_sq))
    return fmt::format("the loss became non-finite at epoch {{}} (loss mean {}, gradient norm² {})",
                       now.mean, norm_sq);
  const double limit =
      initial.mean + kDivergenceFactor * (std::abs(initial.mean) + std::abs(initial.std));
  if (now.mean > limit)
    return fmt::format(
        "the loss diverged at epoch {{}}: {:.6g}, above {:.6g} ({} × the scale of the initial "
        "loss {:.6g} ± {:.3g})",
        now.mean, limit, kDivergenceFactor, initial.mean, initial.std);
  return std::nullopt;
}

std::string optional_number(std::optional<double> v) {
  return v ? fmt::format("{:.17g}", *v) : std::string();
}

// Chunk size: a chunk's tape keeps each flow layer's inputs and outputs (the block networks'
// intermediates live only on a per-thread tile tape), ~10² doubles per site and sample; the
// automatic size keeps a chunk's samples × sites near 2^16 (~50 MB of tape per thread), and cuts a
// batch into at least 8 chunks so that small lattices still run in parallel. Larger chunks amortise
// the per-op cost of the top layers, which have few blocks.
Index chunk_size(const Params& p, const Flow& flow, Index batch) {
  if (p.integer("chunk") > 0) return static_cast<Index>(p.integer("chunk"));
  return std::max<Index>(
      1, std::min({std::clamp<Index>((Index{1} << 16) / flow.sites(), 1, 256), (batch + 7) / 8}));
}

// The stage's checkpoints: periodic saves with rotation, the save and message of an interrupted
// run, and the refusal of a diverged one (whose own checkpoint is not a good one).
struct CheckpointStore {
  fs::path folder;
  std::size_t keep;
  std::uint64_t seed;
  long long epochs;
  fs::path run_dir;
  long long saved_epoch;
  bool writes;  // rank 0's store writes; the others' only keep count

  void save(long long completed, std::optional<AppendFile>& metrics,
            const std::vector<Parameter*>& params, const Optimizer& optimizer) {
    saved_epoch = completed;
    if (!writes) return;
    metrics->sync();  // the rows a checkpoint covers reach the disk before it does
    write_checkpoint(train_checkpoint_file(folder, completed),
                     {completed, seed, snapshot(params), optimizer.state()});
    auto all = train_checkpoints(folder);
    for (std::size_t i = 0; i + keep < all.size(); ++i) fs::remove(all[i]);
  }
  [[noreturn]] void interrupt(long long completed, std::optional<AppendFile>& metrics,
                              const std::vector<Parameter*>& params, const Optimizer& optimizer) {
    if (completed > saved_epoch) save(completed, metrics, params, optimizer);
    throw Interrupted(fmt::format(
        "train: interrupted after {} of {} epochs; the run continues from epoch {}. Continue "
        "with: neuralrg run --resume {}",
        completed, epochs, saved_epoch, run_dir.string()));
  }
  [[noreturn]] void diverged(const std::string& reason, long long epoch) const {
    if (saved_epoch == epoch && writes) fs::remove(train_checkpoint_file(folder, epoch));
    const auto all = train_checkpoints(folder);
    // Every rank detects it at the same epoch from the same reduced numbers: each ends normally.
    throw CollectiveError(fmt::format(
        "train: {}; stopped before updating. {} Try a smaller lr or clip_grad_norm.",
        fmt::format(fmt::runtime(reason), epoch),
        all.empty() ? std::string("No checkpoint was written yet.")
                    : fmt::format("The last good checkpoint is {}.", all.back().string())));
  }
};

// Scales the gradients down to norm `clip` (0: no clipping) given their squared norm.
void clip_gradients(const std::vector<Parameter*>& params, double norm_sq, double clip) {
  if (clip <= 0 || norm_sq <= clip * clip) return;
  const double factor = clip / std::sqrt(norm_sq);
  for (Parameter* q : params) q->grad *= factor;
}

// The free energy relative errors are measured against: the target's exact one, or the stage's
// reference_free_energy for a target without one (not both: which would the errors mean?).
std::optional<double> reference_free_energy(const Params& p, const Target& target) {
  const std::optional<double> exact = target.exact_free_energy();
  if (p.is_keyword("reference_free_energy")) return exact;
  if (exact)
    throw p.error("reference_free_energy",
                  fmt::format("the target knows its exact free energy ({:.10g}); remove the "
                              "reference",
                              *exact));
  return p.real("reference_free_energy");
}

// The closing line: one batch's bound fluctuates by about loss_std/√batch, so it leads with the
// running mean the report shows, read back from metrics.csv so that a resumed run counts all
// epochs. Without an exact free energy the bound (also per site) and the importance-sampling
// estimate are the results.
std::string closing_line(const fs::path& metrics_file, const LossStatistics& stats,
                         std::optional<double> exact, Index sites) {
  const report::TrainingSummary summary = report::summarize_training(read_csv(metrics_file));
  if (!exact)
    return fmt::format(
        "bound {:.6f} ({:.6f} per site), importance-sampling estimate {:.6f} (means of the last "
        "{} epochs; no exact free energy: set reference_free_energy for a relative error)",
        summary.final_bound, summary.final_bound / static_cast<double>(sites),
        summary.final_free_energy_is, summary.window);
  const double last = (stats.mean - *exact) / std::abs(*exact);
  return summary.window > 1
             ? fmt::format(
                   "bound {:.6f}, exact {:.6f}, relative error {:.3e} (mean of the last {} "
                   "epochs; last epoch {:.3e})",
                   summary.final_bound, *exact, summary.final_relative_error, summary.window, last)
             : fmt::format("loss {:.6f}, exact {:.6f}, relative error {:.3e}", stats.mean, *exact,
                           last);
}

// One rank's share of each batch: its chunks' samples, per-sample losses and gradients, combined
// over all ranks into the same step on every rank.
class BatchPass {
 public:
  BatchPass(const Params& p, const Flow& flow, Index batch, const Communicator& comm)
      : batch_(batch),
        comm_(comm),
        runner_(chunk_size(p, flow, batch)),
        mine_(comm.owned(runner_.chunks(batch))),
        losses_(batch, 1) {}

  /// Runs this rank's chunks of `epoch` (the rest of them are skipped after a stop request).
  void run(const RunContext& ctx, const std::string& stream, long long epoch,
           const std::vector<Parameter*>& params) {
    reducer_.prepare(params, runner_.chunks(batch_), comm_);
    runner_.run(batch_, mine_.begin, mine_.end,
                [&](Index chunk, Index begin, Index end, Tape& tape) {
                  // A huge batch takes minutes: a stop request skips the epoch's remaining chunks.
                  if (stop_requested().load(std::memory_order_relaxed)) return;
                  Rng rng = Rng::stream(ctx.spec.seed, stream, static_cast<std::uint64_t>(epoch),
                                        static_cast<std::uint64_t>(chunk));
                  FlowSample s = ctx.flow->sample(tape, end - begin, rng);
                  Var per_sample = add(s.log_q, ctx.target->energy(s.x));
                  tape.backward(scale(sum(per_sample), Scalar(1) / static_cast<Scalar>(batch_)));
                  reducer_.collect(chunk, tape, params);
                  losses_.middleRows(begin, end - begin) = per_sample.value();
                });
  }

  /// Sums every rank's gradients into `params` and returns the whole batch's loss statistics.
  LossStatistics combine(const std::vector<Parameter*>& params) {
    reducer_.reduce(params);
    if (comm_.size() > 1) {
      const Index first = std::min(batch_, mine_.begin * runner_.chunk_rows());
      const Index end = std::min(batch_, mine_.end * runner_.chunk_rows());
      const auto rows = std::as_bytes(
          std::span<const Scalar>(losses_.data() + first, static_cast<std::size_t>(end - first)));
      const std::vector<std::byte> all = comm_.all_gather(rows);
      std::memcpy(losses_.data(), all.data(), all.size());
    }
    return loss_statistics(losses_);
  }

 private:
  Index batch_;
  const Communicator& comm_;
  ChunkRunner runner_;
  ChunkRange mine_;
  GradientReducer reducer_;
  Matrix losses_;
};

std::string metrics_row(long long epoch, const LossStatistics& stats, std::optional<double> exact,
                        std::optional<double> rel, double lr, double seconds) {
  return fmt::format("{},{:.17g},{:.17g},{},{},{:.17g},{:.17g},{:.17g},{:.3f}\n", epoch, stats.mean,
                     stats.std, optional_number(exact), optional_number(rel), stats.ess,
                     stats.free_energy_is, lr, seconds);
}

// init_from: another run's trained weights, mapped onto this run's flow. Preflight has planned
// the same mapping, so a refusal here means the source changed since.
bool warm_start(RunContext& ctx, const Params& p) {
  const std::string& from = p.text("init_from");
  if (from.empty()) return false;
  const TrainedFlow source = load_trained_flow(from, ctx.registry);
  const WarmStartPlan plan = plan_warm_start(ctx.spec, *ctx.flow, source);
  apply_warm_start(plan, *ctx.flow, *source.flow);
  fmt::print("train: {}\n", plan.summary);
  return true;
}

}  // namespace

void run_train_stage(RunContext& ctx, const StageSpec& stage, std::size_t index) {
  const Params& p = stage.params;
  const PluginUse& opt_use = stage.plugin("optimizer");
  auto optimizer =
      std::get<OptimizerFactory>(opt_use.factory->factory)(opt_use.params, OptimizerContext{});
  const double base_lr = optimizer->learning_rate();
  const long long epochs = p.integer("epochs");
  const Index batch = static_cast<Index>(p.integer("batch"));
  const long long every = p.integer("checkpoint_every");
  const fs::path metrics_file = train_metrics_file(ctx.dir, index);
  const fs::path checkpoints = train_checkpoint_dir(ctx.dir, index);
  const std::string stream = fmt::format("train{}", index);
  const Communicator& comm = *ctx.comm;
  const bool writes = comm.is_root();
  if (writes) fs::create_directories(checkpoints);

  const Flow& flow = *ctx.flow;
  const Target& target = *ctx.target;
  const std::vector<Parameter*> params = flow.parameters();
  const std::optional<double> exact = reference_free_energy(p, target);

  TrainStart local =
      writes ? resume_or_start(metrics_file, checkpoints, epochs, ctx.spec.seed, params, *optimizer)
             : TrainStart{};
  // A resumed run's checkpoint already holds the warm start and what training made of it.
  if (writes && local.epoch == 0) local.warm_started = warm_start(ctx, p);
  const TrainStart resumed_from = share_start(comm, local, params, *optimizer, ctx.spec.seed);
  const long long start = resumed_from.epoch;
  std::optional<LossStatistics> initial = resumed_from.initial;
  std::optional<AppendFile> metrics;
  if (writes) metrics.emplace(metrics_file);
  CheckpointStore store{checkpoints,   static_cast<std::size_t>(p.integer("keep_checkpoints")),
                        ctx.spec.seed, epochs,
                        ctx.dir,       start,
                        writes};
  BatchPass pass(p, flow, batch, comm);
  Progress progress("train", epochs, start);
  const auto t0 = std::chrono::steady_clock::now();

  LossStatistics stats{};
  for (long long epoch = start; epoch < epochs; ++epoch) {
    ctx.epoch = epoch;
    const double lr = scheduled_lr(p, base_lr, epoch);
    pass.run(ctx, stream, epoch, params);
    // This epoch is incomplete: discarded.
    if (stop_agreed(ctx)) store.interrupt(epoch, metrics, params, *optimizer);
    stats = pass.combine(params);
    if (!initial) initial = stats;
    double norm_sq = 0;
    for (Parameter* q : params) norm_sq += q->grad.squaredNorm();
    if (const auto reason = divergence(stats, norm_sq, *initial)) store.diverged(*reason, epoch);
    clip_gradients(params, norm_sq, p.real("clip_grad_norm"));
    optimizer->step(params, static_cast<Scalar>(lr));

    const double seconds =
        resumed_from.elapsed_seconds +
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::optional<double> rel =
        exact ? std::optional<double>((stats.mean - *exact) / std::abs(*exact)) : std::nullopt;
    if (writes) metrics->append(metrics_row(epoch, stats, exact, rel, lr, seconds));
    const long long completed = epoch + 1;
    progress.update(completed, rel ? fmt::format("loss {:.6f} rel.err {:.3e}", stats.mean, *rel)
                                   : fmt::format("bound {:.6f}", stats.mean));
    if ((every > 0 && completed % every == 0) || completed == epochs)
      store.save(completed, metrics, params, *optimizer);
    if (completed < epochs && stop_agreed(ctx))
      store.interrupt(completed, metrics, params, *optimizer);
  }
  if (!writes) return;
  metrics->close();
  write_checkpoint(ctx.dir / "flow.ckpt", {epochs, ctx.spec.seed, snapshot(params), {}});
  progress.finish(closing_line(metrics_file, stats, exact, target.sites()));
}

}  // namespace neuralrg
