#include "pipeline/stages/stage_chains.hpp"

#include "pipeline/checkpoint.hpp"
#include "sampling/sampling_spaces.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

void load_flow_from(RunContext& ctx, const Params& p) {
  const std::string& flow_from = p.text("flow_from");
  if (flow_from.empty()) return;  // validated to exist when the pipeline was loaded
  const fs::path file = fs::path(flow_from) / "flow.ckpt";
  restore(ctx.flow->parameters(), read_checkpoint(file).parameters, file);
}

ChainResult run_sampler_chains(const RunContext& ctx, const PluginUse& use,
                               const ChainOptions& options) {
  auto sampler = std::get<SamplerFactory>(use.factory->factory)(use.params, SamplerContext{});
  const bool in_latent = use.params.text("space") == "latent";
  const LatentSpace latent(*ctx.flow, *ctx.target);
  const PhysicalSpace physical(*ctx.flow, *ctx.target);
  const SamplingSpace& space = in_latent ? static_cast<const SamplingSpace&>(latent) : physical;
  const ToPhysical to_x = [&](const Matrix& state, Matrix& x) {
    if (in_latent)
      latent.to_physical(state, x);
    else
      x = state;
  };
  return run_chains(space, *sampler, *ctx.target, to_x, options);
}

}  // namespace neuralrg
