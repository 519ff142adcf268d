#include "pipeline/stages/sample_stage.hpp"

#include <fmt/format.h>

#include <fstream>

#include "pipeline/checkpoint.hpp"
#include "sampling/chain_runner.hpp"
#include "sampling/sampling_spaces.hpp"
#include "util/atomic_file.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

void run_sample_stage(RunContext& ctx, const StageSpec& stage, std::size_t index) {
  const Params& p = stage.params;
  const PluginUse& use = stage.plugin("sampler");
  auto sampler = std::get<SamplerFactory>(use.factory->factory)(use.params, SamplerContext{});
  const std::string& space_name = use.params.text("space");

  const std::string& flow_from = p.text("flow_from");
  if (!flow_from.empty()) {  // validated to exist when the pipeline was loaded
    const fs::path file = fs::path(flow_from) / "flow.ckpt";
    restore(ctx.flow->parameters(), read_checkpoint(file).parameters, file);
  }

  const LatentSpace latent(*ctx.flow, *ctx.target);
  const PhysicalSpace physical(*ctx.flow, *ctx.target);
  const SamplingSpace& space =
      space_name == "latent" ? static_cast<const SamplingSpace&>(latent) : physical;
  const ToPhysical to_x = [&](const Matrix& state, Matrix& x) {
    if (space_name == "latent")
      latent.to_physical(state, x);
    else
      x = state;
  };
  ChainOptions options;
  options.chains = static_cast<Index>(p.integer("chains"));
  options.warmup = p.integer("warmup");
  options.sweeps = p.integer("sweeps");
  options.measure_every = p.integer("measure_every");
  options.chunk = std::max<Index>(1, (options.chains + 7) / 8);
  options.seed = ctx.spec.seed;
  options.stream = fmt::format("sample{}", index);

  fmt::print("stage {} (sample): {} in {} space, {} chains, {} + {} sweeps\n", index,
             use.factory->name, space_name, options.chains, options.warmup, options.sweeps);
  const ChainResult r = run_chains(space, *sampler, *ctx.target, to_x, options);

  const fs::path file = ctx.dir / "observables.csv";
  std::string rows;
  if (!fs::exists(file))
    rows = "stage,sampler,space,observable,mean,stderr,tau_int,acceptance,samples,seconds,"
           "ess_per_second\n";
  for (const auto& o : r.observables) {
    rows += fmt::format("{},{},{},{},{:.12g},{:.6g},{:.4g},{:.4f},{},{:.3f},{:.6g}\n", index,
                        use.factory->name, space_name, o.name, o.estimate.mean, o.estimate.stderr_,
                        o.estimate.tau_int, r.acceptance, r.measurements * options.chains,
                        r.seconds, o.effective_samples / std::max(r.seconds, 1e-9));
    fmt::print("  {:<18} {:.6f} ± {:.6f}  (τ_int {:.2f}, acceptance {:.3f})\n", o.name,
               o.estimate.mean, o.estimate.stderr_, o.estimate.tau_int, r.acceptance);
  }
  std::ofstream(file, std::ios::app) << rows;
  if (p.boolean("save_samples"))
    write_checkpoint(ctx.dir / fmt::format("samples-stage{}.bin", index),
                     {0, ctx.spec.seed, {{"x", r.final_x}}, {}});
}

}  // namespace neuralrg
