// neuralrg validate / run
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "config/suggest.hpp"
#include "config/value_diff.hpp"
#include "config/yaml_document.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_context.hpp"
#include "pipeline/run_directory.hpp"
#include "pipeline/stages/analyze_stage.hpp"
#include "pipeline/stages/sample_stage.hpp"
#include "pipeline/stages/train_stage.hpp"
#include "pipeline/variant_runner.hpp"
#include "plugin/plugin_loader.hpp"
#include "report/comparison_report.hpp"
#include "report/run_report.hpp"

namespace neuralrg::cli {
namespace fs = std::filesystem;

namespace {

void warn_problems(const PluginRegistry& registry) {
  for (const auto& p : registry.problems())
    fmt::print(stderr, "warning: plugin library skipped: {}: {}\n", p.path.string(), p.message);
}

std::string summary(const PipelineSpec& spec) {
  std::vector<std::string> stages;
  for (const auto& s : spec.stages) stages.push_back(s.kind);
  return fmt::format(
      "pipeline \"{}\": target {}, prior {}, flow {}/{}, stages: {}{}", spec.name,
      spec.target->factory->name, spec.prior->factory->name, spec.flow->text("layout"),
      spec.block->factory->name, join(stages),
      spec.variants.empty() ? "" : fmt::format(", {} variants", spec.variants.size()));
}

template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitInvalidInput;
  } catch (const Interrupted& e) {
    fmt::print(stderr, "\n{}\n", e.what());
    return kExitInterrupted;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
}

// The spec of a resumed run: its own config, or the given pipeline if it matches (or the user
// accepts the differences).
PipelineSpec resume_spec(const PipelineOptions& o, const PluginRegistry& registry) {
  const fs::path stored_file = o.resume / "config.yaml";
  if (!fs::exists(stored_file))
    throw std::runtime_error(
        fmt::format("{}: not a run directory (no config.yaml)", o.resume.string()));
  PipelineSpec stored = validate_pipeline(load_yaml_file(stored_file), stored_file, registry);
  if (o.pipeline.empty()) return stored;
  PipelineSpec given = load_pipeline(o.pipeline, o.overrides, registry);
  const auto diff = differences(stored.resolved, given.resolved);
  if (!diff.empty() && !o.allow_config_change)
    throw std::runtime_error(
        fmt::format("{} differs from the configuration of {}:\n  {}\nRefusing to resume; pass "
                    "--allow-config-change to continue with the new configuration.",
                    o.pipeline.string(), o.resume.string(), fmt::join(diff, "\n  ")));
  return given;
}

long long parameter_count(const PipelineSpec& spec, const PluginRegistry& registry) {
  RunContext context{spec, registry, {}, {}, {}};
  build_model(context);
  long long n = 0;
  for (const Parameter* p : context.flow->parameters()) n += p->value.size();
  return n;
}

// A pipeline with variants runs each variant as its own run below dir/variants, then compares.
int run_with_variants(const GlobalOptions& global, const PipelineOptions& options,
                      const PipelineSpec& spec, const PluginRegistry& registry, const fs::path& dir,
                      bool resuming) {
  // Building every variant's model first also refuses a bad one before the directory exists.
  std::vector<long long> parameters;
  for (const auto& v : spec.variants)
    parameters.push_back(
        parameter_count(validate_pipeline(variant_tree(spec, v), spec.file, registry), registry));
  if (!resuming) create_run_directory(dir, spec, registry);
  fmt::print("{}\nrun directory: {}\n", summary(spec), dir.string());
  install_stop_handlers();
  VariantRunOptions run_options{fs::canonical("/proc/self/exe"), global.plugin_path, options.jobs,
                                options.threads};
  const auto outcomes = run_variants(spec, dir, run_options);
  std::vector<report::VariantRow> rows;
  std::vector<std::string> failed;
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    rows.push_back({outcomes[i].name, outcomes[i].dir, outcomes[i].status, parameters[i]});
    if (outcomes[i].status != 0) failed.push_back(outcomes[i].name);
  }
  if (stop_requested())
    throw Interrupted(
        fmt::format("stopped; continue with: neuralrg run --resume {}", dir.string()));
  const int figures = report::write_comparison(dir, spec.name, rows);
  fmt::print("comparison: {} and {} ({} figures)\n", (dir / "comparison.csv").string(),
             (dir / "comparison.html").string(), figures);
  if (!failed.empty()) {
    fmt::print(stderr, "error: variants failed: {} (their logs are in {})\n", join(failed),
               (dir / "variants").string());
    return kExitFailure;
  }
  return 0;
}

}  // namespace

int validate_pipeline(const GlobalOptions& global, const PipelineOptions& options) {
  return guarded([&] {
    const PluginRegistry& registry = global_registry(global.plugin_path);
    warn_problems(registry);
    const PipelineSpec spec = load_pipeline(options.pipeline, options.overrides, registry);
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
    const PipelineSpec spec = resuming
                                  ? resume_spec(options, registry)
                                  : load_pipeline(options.pipeline, options.overrides, registry);
    RunContext context{spec, registry, resuming ? options.resume : options.out, {}, {}};
    if (context.dir.empty()) context.dir = default_run_directory(spec);
    if (!spec.variants.empty())
      return run_with_variants(global, options, spec, registry, context.dir, resuming);
    build_model(context);  // before the directory exists: a model error leaves nothing behind
    if (!resuming) create_run_directory(context.dir, spec, registry);
    if (resuming && fs::exists(context.dir / "flow.ckpt"))  // a finished train stage
      restore(context.flow->parameters(), read_checkpoint(context.dir / "flow.ckpt").parameters,
              context.dir / "flow.ckpt");
    fmt::print("{}\nrun directory: {}\n", summary(spec), context.dir.string());
    install_stop_handlers();

    const auto done = completed_stages(context.dir);
    for (std::size_t i = 0; i < spec.stages.size(); ++i) {
      const auto& stage = spec.stages[i];
      if (std::find(done.begin(), done.end(), i) != done.end()) {
        fmt::print("stage {} ({}): already completed\n", i, stage.kind);
        continue;
      }
      if (stage.kind == "train") {
        run_train_stage(context, stage, i);
      } else if (stage.kind == "sample") {
        run_sample_stage(context, stage, i);
      } else if (stage.kind == "analyze") {
        run_analyze_stage(context, stage, i);
      } else {  // report: the catalog has no other stage kinds
        const std::string& title = stage.params.text("title");
        const int figures =
            report::write_run_report(context.dir, title.empty() ? spec.name : title);
        fmt::print("stage {} (report): {} with {} figures\n", i,
                   (context.dir / "report.html").string(), figures);
      }
      mark_stage_completed(context.dir, i);
    }
    return 0;
  });
}

int report_run(const std::filesystem::path& run_dir) {
  return guarded([&] {
    if (!fs::exists(run_dir / "config.yaml"))
      throw std::runtime_error(
          fmt::format("{}: not a run directory (no config.yaml)", run_dir.string()));
    const Value config = load_yaml_file(run_dir / "config.yaml");
    const Value* name = config.find("name");
    const int figures =
        report::write_run_report(run_dir, name ? name->text : run_dir.filename().string());
    fmt::print("{} with {} figures\n", (run_dir / "report.html").string(), figures);
    return 0;
  });
}

}  // namespace neuralrg::cli
