#include "pipeline/stages/stage_chains.hpp"

#include <fmt/format.h>

#include <optional>

#include "pipeline/trained_flow.hpp"
#include "plugin/guarded_plugins.hpp"
#include "report/progress.hpp"
#include "sampling/sampling_spaces.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

void load_flow_from(RunContext& ctx, const Params& p) {
  const std::string& flow_from = p.text("flow_from");
  if (flow_from.empty()) return;  // validated to exist when the pipeline was loaded
  TrainedFlow source = load_trained_flow(flow_from, ctx.registry);
  if (source.extent != ctx.target->lattice())
    throw p.error("flow_from",
                  fmt::format("{} trained a flow for lattice {}, this target's is {}", flow_from,
                              extent_text(source.extent), extent_text(ctx.target->lattice())));
  if (!ctx.own_flow) ctx.own_flow = std::move(ctx.flow);
  ctx.flow = std::move(source.flow);
}

std::vector<std::shared_ptr<Sampler>> make_samplers(const RunContext& ctx, const StageSpec& stage) {
  const SamplerContext context{&unguarded(*ctx.target), stage.params.text("space")};
  std::vector<std::shared_ptr<Sampler>> out;
  for (const PluginUse* use : stage.plugins_of("sampler")) {
    try {
      out.push_back(std::get<SamplerFactory>(use->factory->factory)(use->params, context));
    } catch (const ConfigError&) {
      throw;
    } catch (const std::exception& e) {
      throw stage.params.error("sampler",
                               fmt::format("sampler plugin {}: {}", use->factory->name, e.what()));
    }
  }
  return out;
}

namespace {

// The stage's sampler, or its list of samplers combined as its `combine` key says.
SamplerSchedule sampler_schedule(const RunContext& ctx, const StageSpec& stage) {
  const auto uses = stage.plugins_of("sampler");
  auto samplers = make_samplers(ctx, stage);
  if (uses.size() == 1)
    return SamplerSchedule(std::move(samplers.front()), uses.front()->factory->name);
  // Only the sample stage takes a list; check_sample_stage has matched every/weights to it.
  const Params& p = stage.params;
  const auto every = p.integers("every");
  const auto weights = p.reals("weights");
  std::vector<ScheduledSampler> list;
  for (std::size_t k = 0; k < uses.size(); ++k)
    list.push_back({std::move(samplers[k]), uses[k]->factory->name, every.empty() ? 1 : every[k],
                    weights.empty() ? 1.0 : weights[k]});
  return SamplerSchedule(
      std::move(list), p.text("combine") == "mixture" ? Combination::mixture : Combination::cycle);
}

}  // namespace

ChainResult run_sampler_chains(const RunContext& ctx, const StageSpec& stage,
                               const ChainOptions& options) {
  const SamplerSchedule schedule = sampler_schedule(ctx, stage);
  const bool in_latent = stage.params.text("space") == "latent";
  const LatentSpace latent(*ctx.flow, *ctx.target);
  const PhysicalSpace physical(*ctx.flow, *ctx.target);
  const ChainSpace& space = in_latent ? static_cast<const ChainSpace&>(latent) : physical;
  ChainOptions stoppable = options;
  stoppable.comm = ctx.comm;
  const long long total = options.warmup + options.sweeps;
  // Rank 0 speaks for all: a 12-minute stage must not be silent, nor print once per rank.
  std::optional<Progress> progress;
  if (ctx.comm->is_root()) progress.emplace(options.stream, total, 0);
  stoppable.before_sweep = [&](long long sweep) {
    stop_point(ctx, fmt::format("{}: interrupted at sweep {} of {}", options.stream, sweep, total));
    if (progress) progress->update(sweep, sweep < options.warmup ? "sweeps (warm-up)" : "sweeps");
  };
  ChainResult result = run_chains(space, schedule, *ctx.target, stoppable);
  if (progress)
    progress->finish(fmt::format("{} sweeps, acceptance {:.3f}", total, result.acceptance));
  return result;
}

}  // namespace neuralrg
