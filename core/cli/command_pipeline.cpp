// neuralrg validate / run
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/command_support.hpp"
#include "cli/command_variants.hpp"
#include "cli/commands.hpp"
#include "config/suggest.hpp"
#include "config/value_diff.hpp"
#include "config/yaml_document.hpp"
#include "distributed/communicator.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/preflight.hpp"
#include "pipeline/rank_agreement.hpp"
#include "pipeline/run_context.hpp"
#include "pipeline/run_directory.hpp"
#include "pipeline/run_record.hpp"
#include "pipeline/run_stages.hpp"
#include "pipeline/stages/train_files.hpp"
#include "plugin/plugin_loader.hpp"
#include "report/run_report.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg::cli {
namespace fs = std::filesystem;

namespace {

// Fewer epochs than a train stage has already run would leave its checkpoints beyond the
// configuration ("epoch 472 of 100").
// What a train stage has trained bounds the change a resume may make to it: no fewer epochs than
// its checkpoints hold, and no other start (its checkpoints hold what training made of the old
// one, so a new init_from would be recorded but never applied).
void check_progress_allows(const PipelineSpec& stored, const PipelineSpec& given,
                           const fs::path& dir) {
  for (std::size_t i = 0; i < given.stages.size(); ++i) {
    if (given.stages[i].kind != "train") continue;
    const Params& p = given.stages[i].params;
    const long long epochs = p.integer("epochs");
    const long long done = newest_checkpointed_epoch(dir, i);
    if (epochs < done)
      throw p.error("epochs", fmt::format("{} epochs is fewer than the {} that {} has already "
                                          "trained; ask for at least {}",
                                          epochs, done, dir.string(), done));
    if (done == 0 || i >= stored.stages.size() || stored.stages[i].kind != "train") continue;
    const std::string& was = stored.stages[i].params.text("init_from");
    if (was != p.text("init_from"))
      throw p.error(
          "init_from",
          fmt::format("{} has trained {} epochs starting from {}; another start needs a "
                      "new run (or remove {} and {})",
                      dir.string(), done, was.empty() ? "the seed's initialisation" : was,
                      train_checkpoint_dir(dir, i).string(), train_metrics_file(dir, i).string()));
  }
}

// The first stage a configuration change affects; a change outside `stages` (model, seed)
// affects every stage, and no change returns the stage count.
std::size_t first_changed_stage(const Value& before, const Value& after) {
  const auto without_stages = [](Value v) {
    std::erase_if(v.entries, [](const auto& e) { return e.first == "stages"; });
    return v;
  };
  if (!differences(without_stages(before), without_stages(after)).empty()) return 0;
  const auto& a = before.find("stages")->items;
  const auto& b = after.find("stages")->items;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    if (!differences(a[i], b[i]).empty()) return i;
  return std::min(a.size(), b.size());
}

// The spec of a resumed run: its stored config, changed by a pipeline file or --set overrides
// only when the user accepts the differences. An accepted change is applied, never ignored:
// config.yaml is rewritten (so a later plain resume continues with it) and the stages it affects
// run again from their checkpoints.
PipelineSpec resume_spec(const PipelineOptions& o, const PluginRegistry& registry) {
  if (!o.out.empty())
    throw ConfigError(Location{"--out " + o.out.string(), 0, 0}, "",
                      fmt::format("a resumed run continues in its own directory {}; --out cannot "
                                  "be combined with --resume",
                                  o.resume.string()));
  const fs::path stored_file = o.resume / "config.yaml";
  if (!fs::exists(stored_file))
    throw std::runtime_error(
        fmt::format("{}: not a run directory (no config.yaml)", o.resume.string()));
  const Value stored_tree = load_yaml_file(stored_file);
  PipelineSpec stored = validate_pipeline(stored_tree, stored_file, registry);
  if (o.pipeline.empty() && o.overrides.empty()) return stored;
  // Without a pipeline file, --set changes the run's own configuration.
  Value changed_tree = stored_tree;
  apply_command_line_overrides(changed_tree, o.overrides);
  PipelineSpec given = o.pipeline.empty()
                           ? validate_pipeline(std::move(changed_tree), stored_file, registry)
                           : load_pipeline(o.pipeline, o.overrides, registry);
  const auto diff = differences(stored.resolved, given.resolved);
  if (diff.empty()) return stored;
  const std::string source = o.pipeline.empty() ? "--set" : o.pipeline.string();
  if (!o.allow_config_change)
    throw std::runtime_error(
        fmt::format("{} differs from the configuration of {}:\n  {}\nRefusing to resume; pass "
                    "--allow-config-change to continue with the new configuration.",
                    source, o.resume.string(), fmt::join(diff, "\n  ")));
  if (!stored.variants.empty())
    throw std::runtime_error(fmt::format(
        "{} has variants, and each variant resumes with its own configuration; change one with "
        "neuralrg run --resume {}/variants/NAME --set KEY=VALUE --allow-config-change",
        o.resume.string(), o.resume.string()));
  check_progress_allows(stored, given, o.resume);
  check_runnable(given, registry);  // before config.yaml holds it
  reopen_stages(o.resume, first_changed_stage(stored.resolved, given.resolved));
  write_run_config(o.resume, given);
  fmt::print("configuration changed ({}):\n  {}\n", source, fmt::join(diff, "\n  "));
  return given;
}

// On several ranks rank 0 alone reads the run directory (and may rewrite its config.yaml when a
// change is accepted); the others validate the configuration it resolved. An error on rank 0
// ends the job (fail), so the others never wait for a text that does not come.
PipelineSpec shared_resume_spec(const PipelineOptions& o, const PluginRegistry& registry,
                                const Communicator& world) {
  if (world.size() == 1) return resume_spec(o, registry);
  std::optional<PipelineSpec> spec;
  std::string resolved;
  if (world.is_root()) {
    spec.emplace(resume_spec(o, registry));
    resolved = to_yaml(spec->resolved);
  }
  world.broadcast(resolved);
  if (spec) return std::move(*spec);
  return validate_pipeline(parse_yaml(resolved, "rank 0's configuration"), o.resume / "config.yaml",
                           registry);
}

// "runs/x/" (what tab completion gives) names the directory runs/x: the run directory is renamed
// into place from a sibling staging folder, which needs the path's last component.
fs::path directory_path(const fs::path& given) {
  const fs::path normal = given.lexically_normal();
  return normal.has_filename() || !normal.has_relative_path() ? normal : normal.parent_path();
}

}  // namespace

int validate_pipeline(const GlobalOptions& global, const PipelineOptions& options) {
  return guarded([&] {
    const PluginRegistry& registry = global_registry(global.plugin_path);
    warn_problems(registry);
    const PipelineSpec spec = load_pipeline(options.pipeline, options.overrides, registry);
    check_runnable(spec, registry);
    fmt::print("ok: {}\n", summary(spec));
    return 0;
  });
}

int run_pipeline(const GlobalOptions& global, const PipelineOptions& options) {
  // Line-buffered even into a file or pipe, so a log (e.g. a variant's) keeps stage headers in
  // order with the progress lines and shows them while a stage runs.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  return guarded([&] {
    std::unique_ptr<tbb::global_control> threads;
    if (options.threads > 0)
      threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      options.threads);
    const PluginRegistry& registry = global_registry(global.plugin_path);
    warn_problems(registry);
    const bool resuming = !options.resume.empty();
    const Communicator& world = Communicator::world();
    // Locked before anything is read: a concurrent run could be rewriting it.
    // Rank 0 holds the lock for all ranks. The jobs of an array (--variant) share the directory:
    // each variant's own directory is locked instead.
    RunLock lock = resuming && world.is_root() && options.variant.empty() &&
                           fs::exists(options.resume / "config.yaml")
                       ? lock_run_directory(options.resume)
                       : RunLock();
    const PipelineSpec spec = resuming
                                  ? shared_resume_spec(options, registry, world)
                                  : load_pipeline(options.pipeline, options.overrides, registry);
    check_runnable(spec, registry);  // before the directory exists: an error leaves nothing behind
    check_ranks_agree(world, spec, registry);
    RunContext context{spec, registry, resuming ? options.resume : directory_path(options.out),
                       {},   {},       -1};
    if (!options.variant.empty() && (spec.variants.empty() || context.dir.empty()))
      throw ConfigError(Location{"--variant " + options.variant, 0, 0}, "",
                        spec.variants.empty()
                            ? fmt::format("{} has no variants", spec.file.string())
                            : std::string("--variant needs the run directory the variants share: "
                                          "--out DIR (or --resume DIR)"));
    if (context.dir.empty()) context.dir = default_run_directory(spec);
    std::string dir = context.dir.string();  // rank 0's clock named it
    world.broadcast(dir);
    context.dir = dir;
    if (!spec.variants.empty())
      return run_with_variants(global, options, spec, registry, context.dir, std::move(lock));
    build_model(context);
    if (!resuming && world.is_root()) lock = create_run_directory(context.dir, spec, registry);
    fmt::print("{}\nrun directory: {}{}\n", summary(spec), context.dir.string(),
               world.size() > 1 ? fmt::format(" ({} ranks)", world.size()) : std::string());
    std::optional<RunRecord> record;
    if (world.is_root())
      record.emplace(context.dir, spec,
                     Invocation{global.command_line, options.overrides, world.size()},
                     context.target->lattice());
    install_stop_handlers();
    try {
      run_stages(context, resuming);
    } catch (const Interrupted&) {
      if (record) record->finish("stopped");
      throw;
    } catch (...) {
      if (record) record->finish("failed");
      throw;
    }
    if (record) record->finish("completed");
    return 0;
  });
}

int report_run(const GlobalOptions& global, const std::filesystem::path& run_dir) {
  return guarded([&] {
    if (!fs::exists(run_dir / "config.yaml"))
      throw std::runtime_error(
          fmt::format("{}: not a run directory (no config.yaml)", run_dir.string()));
    const Value config = load_yaml_file(run_dir / "config.yaml");
    if (has_variants(config)) {
      const PluginRegistry& registry = global_registry(global.plugin_path);
      write_variants_comparison(
          run_dir, validate_pipeline(config, run_dir / "config.yaml", registry), registry);
      return 0;
    }
    const Value* name = config.find("name");
    const int figures =
        report::write_run_report(run_dir, name ? name->text : run_dir.filename().string());
    fmt::print("{} with {} figures\n", (run_dir / "report.html").string(), figures);
    return 0;
  });
}

}  // namespace neuralrg::cli
