#include "pipeline/flow_builder.hpp"

#include <fmt/format.h>

#include "flow/chain_bijector.hpp"

namespace neuralrg {

std::unique_ptr<Flow> build_flow(const std::vector<Index>& extent, const Params& flow,
                                 const std::vector<PluginUse>& blocks, const PluginUse& prior,
                                 std::uint64_t seed) {
  HierarchyPlan plan;
  Sharing sharing{};
  try {
    plan = plan_hierarchy(extent, flow.text("layout"), static_cast<int>(flow.integer("depth")));
    sharing = parse_sharing(flow.text("shared"));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(flow.resolved().where, "flow", e.what());
  }
  BijectorMaker maker = [&](Index width, Index instance) -> std::unique_ptr<Bijector> {
    std::vector<std::unique_ptr<Bijector>> chain;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
      const std::string stream = k == 0 ? "flow.block" : fmt::format("flow.block{}", k);
      BijectorContext ctx{width,
                          Rng::stream(seed, stream, static_cast<std::uint64_t>(instance)).next()};
      chain.push_back(std::get<BijectorFactory>(blocks[k].factory->factory)(blocks[k].params, ctx));
    }
    if (chain.size() == 1) return std::move(chain.front());
    return std::make_unique<ChainBijector>(std::move(chain));
  };
  auto hierarchy = std::make_unique<Hierarchy>(plan, sharing, maker);
  PriorContext prior_ctx{plan.sites(), plan.site_scale, plan.scales,
                         Rng::stream(seed, "flow.prior").next()};
  auto p = std::get<PriorFactory>(prior.factory->factory)(prior.params, prior_ctx);
  return std::make_unique<Flow>(std::move(p), std::move(hierarchy),
                                flow.text("symmetrize") == "z2");
}

}  // namespace neuralrg
