// neuralrg evaluate RUN_DIR [--set target.L=32] [--samples N] [--json]: a trained flow's bound on
// the run's target, or, with --set, on another lattice (zero-shot transfer), without training.
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <memory>
#include <optional>

#include "cli/command_support.hpp"
#include "config/yaml_document.hpp"
#include "pipeline/flow_evaluation.hpp"
#include "pipeline/warm_start.hpp"
#include "plugin/plugin_loader.hpp"
#include "util/json.hpp"

namespace neuralrg::cli {
namespace fs = std::filesystem;
namespace {

Json as_json(const EvaluateOptions& o, const TrainedFlow& source, const Flow& flow,
             const WarmStartPlan& plan, const FlowEvaluation& e) {
  Json j;
  j["run"] = o.run_dir.string();
  j["trained_lattice"] = source.extent;
  j["lattice"] = flow.hierarchy().plan().extent;
  j["trained_bijectors"] = plan.bijectors.size();
  j["bijectors"] = flow.hierarchy().bijector_count();
  j["samples"] = e.samples;
  j["bound"] = e.loss.mean;
  j["bound_stderr"] = e.bound_stderr;
  j["bound_per_site"] = e.loss.mean / static_cast<double>(flow.sites());
  j["exact"] = e.exact ? Json(*e.exact) : Json(nullptr);
  j["relative_error"] =
      e.exact ? Json((e.loss.mean - *e.exact) / std::abs(*e.exact)) : Json(nullptr);
  j["ess"] = e.loss.ess;
  j["free_energy_is"] = e.loss.free_energy_is;
  return j;
}

void print_text(const TrainedFlow& source, const Flow& flow, const WarmStartPlan& plan,
                const FlowEvaluation& e) {
  const Index bijectors = flow.hierarchy().bijector_count();
  fmt::print("evaluate: the flow of {} (trained on {}) on {}, {} samples\n", source.dir.string(),
             extent_text(source.extent), extent_text(flow.hierarchy().plan().extent), e.samples);
  if (static_cast<Index>(plan.bijectors.size()) < bijectors)
    fmt::print(
        "  block bijectors {}–{} of {} keep the seed's initialisation: the source has no weights "
        "for the new coarsest levels (with shared: scale every level gets the trained ones)\n",
        plan.bijectors.size(), bijectors - 1, bijectors);
  fmt::print("  bound              {:.6f} ± {:.6f} ({:.6f} per site)\n", e.loss.mean,
             e.bound_stderr, e.loss.mean / static_cast<double>(flow.sites()));
  if (e.exact)
    fmt::print("  exact              {:.6f}, relative error {:.4f} %\n", *e.exact,
               100 * (e.loss.mean - *e.exact) / std::abs(*e.exact));
  fmt::print("  ESS                {:.4f} of the samples\n", e.loss.ess);
  fmt::print("  importance-sampled {:.6f}\n", e.loss.free_energy_is);
}

// The run's trained flow on the configuration `o` asks for, or an error: a directory that is not
// a finished run, or a configuration its weights do not fit, is invalid input.
std::optional<std::string> transfer(const EvaluateOptions& o, RunContext& context,
                                    std::optional<TrainedFlow>& source,
                                    std::optional<WarmStartPlan>& plan) {
  try {
    source.emplace(load_trained_flow(o.run_dir, context.registry));
    plan.emplace(plan_warm_start(context.spec, *context.flow, *source));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  apply_warm_start(*plan, *context.flow, *source->flow);
  return std::nullopt;
}

}  // namespace

int evaluate_run(const GlobalOptions& global, const EvaluateOptions& o) {
  return guarded([&] {
    const fs::path config = o.run_dir / "config.yaml";
    if (!fs::exists(config))
      return fail(kExitInvalidInput, fmt::format("error: {}: not a run directory (no config.yaml)",
                                                 o.run_dir.string()));
    const PluginRegistry& registry = global_registry(global.plugin_path);
    warn_problems(registry);
    const PipelineSpec spec = load_pipeline(config, o.overrides, registry);
    RunContext context{spec, registry, {}, {}, {}, -1};
    build_model(context);
    std::optional<TrainedFlow> source;
    std::optional<WarmStartPlan> plan;
    if (const auto error = transfer(o, context, source, plan))
      return fail(kExitInvalidInput, "error: " + *error);
    std::unique_ptr<tbb::global_control> threads;
    if (o.threads > 0)
      threads = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                      o.threads);
    const FlowEvaluation e = evaluate_flow(*context.flow, *context.target, spec.seed, o.samples);
    if (o.json)
      fmt::print("{}", json_text(as_json(o, *source, *context.flow, *plan, e)));
    else
      print_text(*source, *context.flow, *plan, e);
    return 0;
  });
}

}  // namespace neuralrg::cli
