#include "pipeline/run_stages.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/checkpoint.hpp"
#include "pipeline/run_directory.hpp"
#include "pipeline/stage_catalog.hpp"
#include "plugin/guarded_plugins.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

namespace {

// A finished train stage left its flow in flow.ckpt; the later stages must start from it, never
// silently from the untrained flow.
void restore_trained_flow(RunContext& context, const std::vector<std::size_t>& done) {
  const fs::path file = context.dir / "flow.ckpt";
  if (fs::exists(file)) {
    restore(context.flow->parameters(), read_checkpoint(file).parameters, file);
    return;
  }
  for (const std::size_t i : done)
    if (i < context.spec.stages.size() && context.spec.stages[i].kind == "train")
      throw std::runtime_error(fmt::format(
          "{}: missing, though stage {} (train) is marked completed in {}; remove that stage's "
          "line from stages.done to train again",
          file.string(), i, (context.dir / "stages.done").string()));
}

void run_one(RunContext& context, const StageSpec& stage, std::size_t index) {
  context.epoch = -1;
  try {
    find_stage(stage.kind)->run(context, stage, index);
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

}  // namespace

void run_stages(RunContext& context, bool resuming) {
  const auto done = completed_stages(context.dir);
  if (resuming) restore_trained_flow(context, done);
  for (std::size_t i = 0; i < context.spec.stages.size(); ++i) {
    const auto& stage = context.spec.stages[i];
    if (std::find(done.begin(), done.end(), i) != done.end()) {
      fmt::print("stage {} ({}): already completed\n", i, stage.kind);
      continue;
    }
    stop_point(context, fmt::format("stopped before stage {} ({})", i, stage.kind));
    run_one(context, stage, i);
    mark_stage_completed(context.dir, i);
  }
}

}  // namespace neuralrg
