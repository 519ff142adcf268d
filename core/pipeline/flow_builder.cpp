#include "pipeline/flow_builder.hpp"

namespace neuralrg {

std::unique_ptr<Flow> build_flow(const std::vector<Index>& extent, const Params& flow,
                                 const FactoryEntry& block, const Params& block_params,
                                 const FactoryEntry& prior, const Params& prior_params,
                                 std::uint64_t seed) {
  HierarchyPlan plan;
  try {
    plan = plan_hierarchy(extent, flow.text("layout"), static_cast<int>(flow.integer("depth")));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(flow.resolved().where, "flow", e.what());
  }
  const auto& make_block = std::get<BijectorFactory>(block.factory);
  BijectorMaker maker = [&](Index width, Index instance) {
    BijectorContext ctx{
        width, Rng::stream(seed, "flow.block", static_cast<std::uint64_t>(instance)).next()};
    return make_block(block_params, ctx);
  };
  auto hierarchy = std::make_unique<Hierarchy>(plan, flow.boolean("shared"), maker);
  PriorContext prior_ctx{plan.sites(), plan.site_scale, plan.scales,
                         Rng::stream(seed, "flow.prior").next()};
  auto p = std::get<PriorFactory>(prior.factory)(prior_params, prior_ctx);
  return std::make_unique<Flow>(std::move(p), std::move(hierarchy),
                                flow.text("symmetrize") == "z2");
}

}  // namespace neuralrg
