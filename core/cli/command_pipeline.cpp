// neuralrg validate / run
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <cstdio>
#include <memory>

#include "cli/commands.hpp"
#include "config/suggest.hpp"
#include "pipeline/pipeline_spec.hpp"
#include "pipeline/run_directory.hpp"
#include "plugin/plugin_loader.hpp"

namespace neuralrg::cli {
namespace {

void warn_problems(const PluginRegistry& registry) {
  for (const auto& p : registry.problems())
    fmt::print(stderr, "warning: plugin library skipped: {}: {}\n", p.path.string(), p.message);
}

std::string summary(const PipelineSpec& spec) {
  std::vector<std::string> stages;
  for (const auto& s : spec.stages) stages.push_back(s.kind);
  return fmt::format("pipeline \"{}\": target {}, prior {}, flow {}/{}, stages: {}{}", spec.name,
                     spec.target->factory->name, spec.prior->factory->name,
                     spec.flow->text("layout"), spec.block->factory->name, join(stages),
                     spec.variants.empty() ? ""
                                           : fmt::format(", {} variants", spec.variants.size()));
}

template <class F>
int guarded(F&& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitInvalidInput;
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return kExitFailure;
  }
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
  return guarded([&] {
    std::unique_ptr<tbb::global_control> threads;
    if (options.threads > 0)
      threads = std::make_unique<tbb::global_control>(
          tbb::global_control::max_allowed_parallelism, options.threads);
    const PluginRegistry& registry = global_registry(global.plugin_path);
    warn_problems(registry);
    const PipelineSpec spec = load_pipeline(options.pipeline, options.overrides, registry);
    const auto dir = options.out.empty() ? default_run_directory(spec) : options.out;
    create_run_directory(dir, spec, registry);
    fmt::print("{}\nrun directory: {}\n", summary(spec), dir.string());
    int missing = 0;
    for (std::size_t i = 0; i < spec.stages.size(); ++i) {
      const auto& stage = spec.stages[i];
      if (!stage.available) {
        fmt::print("stage {} ({}): not available in this build yet; skipped\n", i, stage.kind);
        ++missing;
      }
    }
    if (missing) fmt::print("{} of {} stages are not available yet\n", missing, spec.stages.size());
    return 0;
  });
}

}  // namespace neuralrg::cli
