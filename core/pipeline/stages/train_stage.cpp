#include "pipeline/stages/train_stage.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <sstream>

#include "autodiff/parallel.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/stages/train_statistics.hpp"
#include "report/progress.hpp"
#include "report/training_summary.hpp"
#include "util/atomic_file.hpp"
#include "util/csv.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

const char* kMetricsHeader =
    "epoch,loss_mean,loss_std,free_energy_exact,relative_error,ess,free_energy_is,lr,seconds\n";

double scheduled_lr(const Params& p, double base, long long epoch) {
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

fs::path checkpoint_name(const fs::path& dir, long long epoch) {
  return dir / fmt::format("epoch-{:08d}.ckpt", epoch);
}

std::vector<fs::path> existing_checkpoints(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".ckpt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

// Keeps the metrics rows of epochs before `epoch`, so a resumed run rewrites exactly the rows an
// uninterrupted run would have written after its last checkpoint.
void truncate_metrics(const fs::path& file, long long epoch) {
  std::ifstream in(file);
  std::string line, kept = kMetricsHeader;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (std::stoll(line.substr(0, line.find(','))) >= epoch) break;
    kept += line + "\n";
  }
  write_file_atomic(file, kept);
}

std::string optional_number(std::optional<double> v) {
  return v ? fmt::format("{:.17g}", *v) : std::string();
}

}  // namespace

void run_train_stage(RunContext& ctx, const StageSpec& stage, std::size_t index) {
  const Params& p = stage.params;
  const PluginUse& opt_use = stage.plugin("optimizer");
  auto optimizer =
      std::get<OptimizerFactory>(opt_use.factory->factory)(opt_use.params, OptimizerContext{});
  const double base_lr = opt_use.params.real("lr");
  const long long epochs = p.integer("epochs");
  const Index batch = static_cast<Index>(p.integer("batch"));
  const double clip = p.real("clip_grad_norm");
  const long long every = p.integer("checkpoint_every");
  const std::size_t keep = static_cast<std::size_t>(p.integer("keep_checkpoints"));
  const std::string suffix = index == 0 ? "" : fmt::format("-stage{}", index);
  const fs::path metrics_file = ctx.dir / fmt::format("metrics{}.csv", suffix);
  const fs::path checkpoints = ctx.dir / fmt::format("checkpoints{}", suffix);
  const std::string stream = fmt::format("train{}", index);
  fs::create_directories(checkpoints);

  Flow& flow = *ctx.flow;
  const Target& target = *ctx.target;
  const std::vector<Parameter*> params = flow.parameters();
  const std::optional<double> exact = target.exact_free_energy();

  long long start = 0;
  double elapsed_before = 0;
  const auto saved = existing_checkpoints(checkpoints);
  if (!saved.empty()) {
    const Checkpoint c = read_checkpoint(saved.back());
    restore(params, c.parameters, saved.back());
    optimizer->load_state(c.optimizer);
    start = c.epoch;
    truncate_metrics(metrics_file, start);
    std::ifstream in(metrics_file);
    std::string line, last;
    while (std::getline(in, line))
      if (!line.empty()) last = line;
    if (start > 0) elapsed_before = std::stod(last.substr(last.rfind(',') + 1));
    fmt::print("train: resuming from {} (epoch {} of {})\n", saved.back().string(), start, epochs);
  } else {
    write_file_atomic(metrics_file, kMetricsHeader);
  }
  std::ofstream metrics(metrics_file, std::ios::app);

  // A chunk's tape keeps each flow layer's inputs and outputs (the block networks' intermediates
  // live only on a per-thread tile tape), ~10² doubles per site and sample; the automatic size
  // keeps a chunk's samples × sites near 2^16 (~50 MB of tape per thread), and cuts a batch into
  // at least 8 chunks so that small lattices still run in parallel. Larger chunks amortise the
  // per-op cost of the top layers, which have few blocks.
  const Index chunk =
      p.integer("chunk") > 0
          ? static_cast<Index>(p.integer("chunk"))
          : std::max<Index>(1, std::min({std::clamp<Index>((Index{1} << 16) / flow.sites(), 1, 256),
                                         (batch + 7) / 8}));
  ChunkRunner runner(chunk);
  GradientReducer reducer;
  Matrix losses(batch, 1);
  Progress progress("train", epochs, start);
  const auto t0 = std::chrono::steady_clock::now();
  auto save = [&](long long completed) {
    write_checkpoint(checkpoint_name(checkpoints, completed),
                     {completed, ctx.spec.seed, snapshot(params), optimizer->state()});
    auto all = existing_checkpoints(checkpoints);
    for (std::size_t i = 0; i + keep < all.size(); ++i) fs::remove(all[i]);
  };

  LossStatistics stats{};
  for (long long epoch = start; epoch < epochs; ++epoch) {
    const double lr = scheduled_lr(p, base_lr, epoch);
    reducer.prepare(params, runner.chunks(batch));
    runner.run(batch, [&](Index chunk, Index begin, Index end, Tape& tape) {
      Rng rng = Rng::stream(ctx.spec.seed, stream, static_cast<std::uint64_t>(epoch),
                            static_cast<std::uint64_t>(chunk));
      FlowSample s = flow.sample(tape, end - begin, rng);
      Var per_sample = add(s.log_q, target.energy(s.x));
      tape.backward(scale(sum(per_sample), Scalar(1) / static_cast<Scalar>(batch)));
      reducer.collect(chunk, tape, params);
      losses.middleRows(begin, end - begin) = per_sample.value();
    });
    reducer.reduce(params);
    stats = loss_statistics(losses);
    double norm_sq = 0;
    for (Parameter* q : params) norm_sq += q->grad.squaredNorm();
    if (!std::isfinite(stats.mean) || !std::isfinite(norm_sq)) {
      const auto all = existing_checkpoints(checkpoints);
      throw std::runtime_error(fmt::format(
          "train: the loss became non-finite at epoch {} (loss mean {}, gradient norm² {}); "
          "stopped before updating. {} Try a smaller lr or clip_grad_norm.",
          epoch, stats.mean, norm_sq,
          all.empty() ? std::string("No checkpoint was written yet.")
                      : fmt::format("The last good checkpoint is {}.", all.back().string())));
    }
    if (clip > 0 && norm_sq > clip * clip) {
      const double factor = clip / std::sqrt(norm_sq);
      for (Parameter* q : params) q->grad *= factor;
    }
    optimizer->step(params, static_cast<Scalar>(lr));

    const double seconds =
        elapsed_before +
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::optional<double> rel =
        exact ? std::optional<double>((stats.mean - *exact) / std::abs(*exact)) : std::nullopt;
    metrics << fmt::format("{},{:.17g},{:.17g},{},{},{:.17g},{:.17g},{:.17g},{:.3f}\n", epoch,
                           stats.mean, stats.std, optional_number(exact), optional_number(rel),
                           stats.ess, stats.free_energy_is, lr, seconds);
    metrics.flush();
    const long long completed = epoch + 1;
    progress.update(completed, rel ? fmt::format("loss {:.6f} rel.err {:.3e}", stats.mean, *rel)
                                   : fmt::format("loss {:.6f}", stats.mean));
    if ((every > 0 && completed % every == 0) || completed == epochs) save(completed);
    if (stop_requested().load() && completed < epochs) {
      save(completed);
      throw Interrupted(fmt::format(
          "train: interrupted after epoch {}; checkpoint written. Continue with: neuralrg run "
          "--resume {}",
          completed, ctx.dir.string()));
    }
  }
  write_checkpoint(ctx.dir / "flow.ckpt", {epochs, ctx.spec.seed, snapshot(params), {}});
  if (!exact) {
    progress.finish(fmt::format("loss {:.6f}", stats.mean));
    return;
  }
  // One batch's bound fluctuates by about loss_std/√batch: the summary leads with the running
  // mean the report shows, read back from metrics.csv so that a resumed run counts all epochs.
  metrics.close();
  const report::TrainingSummary summary = report::summarize_training(read_csv(metrics_file));
  const double last = (stats.mean - *exact) / std::abs(*exact);
  progress.finish(
      summary.window > 1
          ? fmt::format("bound {:.6f}, exact {:.6f}, relative error {:.3e} (mean of the last {} "
                        "epochs; last epoch {:.3e})",
                        summary.final_bound, *exact, summary.final_relative_error, summary.window,
                        last)
          : fmt::format("loss {:.6f}, exact {:.6f}, relative error {:.3e}", stats.mean, *exact,
                        last));
}

}  // namespace neuralrg
