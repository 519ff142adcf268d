#include "pipeline/run_stages.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>

#include "pipeline/checkpoint.hpp"
#include "pipeline/run_directory.hpp"
#include "pipeline/stage_catalog.hpp"
#include "plugin/guarded_plugins.hpp"
#include "report/run_summary.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// A finished train stage left its flow in flow.ckpt; the later stages must start from it, never
// silently from the untrained flow.
void restore_trained_flow(RunContext& context, const std::vector<std::size_t>& done) {
  const fs::path file = context.dir / "flow.ckpt";
  const Communicator& comm = *context.comm;
  if (comm.broadcast_value(comm.is_root() && fs::exists(file))) {
    std::string bytes;
    if (comm.is_root()) bytes = encode_checkpoint(read_checkpoint(file));
    comm.broadcast(bytes);
    restore(context.flow->parameters(), decode_checkpoint(bytes, file.string()).parameters, file);
    return;
  }
  for (const std::size_t i : done)
    if (i < context.spec.stages.size() && context.spec.stages[i].kind == "train")
      throw std::runtime_error(fmt::format(
          "{}: missing, though stage {} (train) is marked completed in {}; remove that stage's "
          "line from stages.done to train again",
          file.string(), i, (context.dir / "stages.done").string()));
}

// The indices of completed stages, as rank 0 read them.
std::vector<std::size_t> shared_completed_stages(const RunContext& context) {
  std::vector<std::size_t> done;
  if (context.comm->is_root()) done = completed_stages(context.dir);
  done.resize(context.comm->broadcast_value(done.size()));
  context.comm->broadcast(std::as_writable_bytes(std::span<std::size_t>(done)));
  return done;
}

// A stage that is not distributed runs on rank 0 alone, as a run of one process; the other ranks
// wait for it without taking a core from it, then learn how it ended: a stop ends every rank with
// rank 0's message; an error ends the job from rank 0 (the others only wait for that).
void run_kind(RunContext& context, const StageKind& kind, const StageSpec& stage,
              std::size_t index) {
  if (kind.distributed || context.comm->size() == 1) return kind.run(context, stage, index);
  const Communicator* all = context.comm;
  enum Outcome : int { kDone, kStopped, kFailed };
  int outcome = kDone;
  std::string stopped;
  std::exception_ptr error;
  if (all->is_root()) {
    context.comm = &Communicator::self();
    try {
      kind.run(context, stage, index);
    } catch (const Interrupted& e) {
      outcome = kStopped;
      stopped = e.what();
    } catch (...) {
      outcome = kFailed;
      error = std::current_exception();
    }
    context.comm = all;
  }
  all->idle_barrier();
  outcome = all->broadcast_value(outcome);
  if (outcome == kFailed) {
    if (error) std::rethrow_exception(error);
    throw std::runtime_error(fmt::format("stage {} ({}) failed on rank 0", index, stage.kind));
  }
  if (outcome == kStopped) {
    all->broadcast(stopped);
    throw Interrupted(stopped);
  }
}

// flow_from loads another run's flow for its stage only ("empty: this run's"): the next stage
// without it gets the run's own flow back, on every rank alike.
struct OwnFlowBack {
  RunContext& context;
  ~OwnFlowBack() {
    if (context.own_flow) context.flow = std::move(context.own_flow);
  }
};

void run_one(RunContext& context, const StageSpec& stage, std::size_t index) {
  context.epoch = -1;
  const OwnFlowBack own_flow_back{context};
  try {
    run_kind(context, *find_stage(stage.kind), stage, index);
  } catch (const PluginError& e) {
    const std::string when =
        context.epoch >= 0 ? fmt::format(", epoch {}", context.epoch) : std::string();
    throw PluginError(fmt::format("stage {} ({}){}: {}", index, stage.kind, when, e.what()));
  } catch (const WriteError& e) {
    throw WriteError(fmt::format(
        "{}\nThe run stopped at its last consistent state; once the file can be written, "
        "continue with: neuralrg run --resume {}",
        e.what(), context.dir.string()));
  }
}

long long parameter_count(const Flow& flow) {
  long long n = 0;
  for (const Parameter* p : flow.parameters()) n += p->value.size();
  return n;
}

}  // namespace

void run_stages(RunContext& context, bool resuming) {
  const auto done = shared_completed_stages(context);
  if (resuming) restore_trained_flow(context, done);
  for (std::size_t i = 0; i < context.spec.stages.size(); ++i) {
    const auto& stage = context.spec.stages[i];
    if (std::ranges::find(done, i) != done.end()) {
      fmt::print("stage {} ({}): already completed\n", i, stage.kind);
      continue;
    }
    stop_point(context, fmt::format("stopped before stage {} ({})", i, stage.kind));
    run_one(context, stage, i);
    if (!context.comm->is_root()) continue;
    mark_stage_completed(context.dir, i);
    report::write_run_summary(context.dir, context.spec.name, parameter_count(*context.flow));
  }
}

}  // namespace neuralrg
