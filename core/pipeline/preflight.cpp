#include "pipeline/preflight.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <stdexcept>

#include "pipeline/run_context.hpp"
#include "pipeline/stages/stage_chains.hpp"
#include "pipeline/warm_start.hpp"

namespace neuralrg {
namespace {

// A flow_from run's flow, loaded as its stage will load it. Loading reports unreadable or
// mismatched checkpoints with std::runtime_error; here they become errors of the key that named
// the run, so `validate` reports them like any other configuration error.
void check_flow_from(RunContext& context, const Params& stage) {
  try {
    load_flow_from(context, stage);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw stage.error("flow_from", e.what());
  }
}

// An init_from run's flow, mapped as the train stage will map it (without copying anything).
void check_init_from(const RunContext& context, const Params& stage) {
  try {
    // An earlier stage's flow_from may have lent the context another run's flow.
    const Flow& own = context.own_flow ? *context.own_flow : *context.flow;
    plan_warm_start(context.spec, own,
                    load_trained_flow(stage.text("init_from"), context.registry));
  } catch (const ConfigError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw stage.error("init_from", e.what());
  }
}

// Each observable names its series files (series/stage<i>/NAME.npy and NAME.groups.npy).
void check_observable_names(const PipelineSpec& spec, const Target& target) {
  std::set<std::string> seen;
  for (const auto& o : target.observables()) {
    const auto refuse = [&](const char* why) {
      throw std::runtime_error(fmt::format("target plugin {}: observable name \"{}\" {}",
                                           spec.target->factory->name, o.name, why));
    };
    if (!is_plain_name(o.name))
      refuse(
          "cannot name its series file (series/stage<i>/NAME.npy); use letters, digits, '.', "
          "'_' and '-'");
    if (o.name.ends_with(".groups"))
      refuse("ends in .groups, which names another observable's per-group series");
    if (!seen.insert(o.name).second) refuse("is declared twice");
  }
}

void check_one(const PipelineSpec& spec, const PluginRegistry& registry) {
  RunContext context{spec, registry, {}, {}, {}, -1};
  build_model(context);
  check_observable_names(spec, *context.target);
  for (const auto& stage : spec.stages) {
    // A sampler refuses a target or space it cannot work with when made, not hours later.
    if (!stage.plugins_of("sampler").empty()) make_samplers(context, stage);
    if (stage.params.resolved().find("flow_from") && !stage.params.text("flow_from").empty())
      check_flow_from(context, stage.params);
    if (stage.params.resolved().find("init_from") && !stage.params.text("init_from").empty())
      check_init_from(context, stage.params);
  }
}

}  // namespace

void check_runnable(const PipelineSpec& spec, const PluginRegistry& registry) {
  check_one(spec, registry);
  for (const auto& v : spec.variants)
    check_one(validate_pipeline(variant_tree(spec, v), spec.file, registry), registry);
}

}  // namespace neuralrg
