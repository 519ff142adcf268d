// The in-tree plugins, loaded once per test process, and helpers to instantiate them from YAML.
#pragma once

#include <memory>
#include <string>

#include "config/yaml_document.hpp"
#include "pipeline/flow_builder.hpp"
#include "pipeline/stage_catalog.hpp"
#include "plugin/plugin_loader.hpp"
#include "support/random_matrix.hpp"

namespace neuralrg::test {

inline const PluginRegistry& plugins() {
  static const PluginRegistry* registry = [] {
    auto* r = new PluginRegistry();
    load_plugins(*r, {NEURALRG_PLUGIN_DIR});
    return r;
  }();
  return *registry;
}

/// A plugin section from inline YAML, e.g. "{plugin: realnvp, couplings: 2}".
inline std::pair<const FactoryEntry*, Params> resolve(PluginKind kind, const std::string& yaml) {
  const Value doc = parse_yaml("s: " + yaml, "test");
  return plugins().resolve(kind, *doc.find("s"));
}

/// A sampler from inline YAML, e.g. "{plugin: hmc, step_size: 0.2}".
inline std::unique_ptr<Sampler> make_sampler(const std::string& yaml,
                                             const SamplerContext& context = {}) {
  auto [entry, params] = resolve(PluginKind::Sampler, yaml);
  return std::get<SamplerFactory>(entry->factory)(params, context);
}

inline std::unique_ptr<Bijector> make_bijector(const std::string& yaml, Index width,
                                               std::uint64_t seed = 1) {
  auto [entry, params] = resolve(PluginKind::Bijector, yaml);
  return std::get<BijectorFactory>(entry->factory)(params, BijectorContext{width, seed});
}

/// A flow from inline YAML for the flow section (block included) and the prior.
inline std::unique_ptr<Flow> make_flow(const std::vector<Index>& extent,
                                       const std::string& flow_yaml,
                                       const std::string& prior_yaml = "{plugin: gaussian}",
                                       std::uint64_t seed = 42) {
  const Value doc = parse_yaml("flow: " + flow_yaml, "test");
  const Value& flow_section = *doc.find("flow");
  const Params flow = Params::validate(flow_schema(), flow_section, "flow");
  const Value* block_section = flow_section.find("block");
  const Value default_block = *parse_yaml("b: {plugin: realnvp}", "test").find("b");
  auto [block, block_params] =
      plugins().resolve(PluginKind::Bijector, block_section ? *block_section : default_block);
  const std::vector<PluginUse> blocks{PluginUse{block, block_params}};
  auto [prior, prior_params] = resolve(PluginKind::Prior, prior_yaml);
  return build_flow(extent, flow, blocks, PluginUse{prior, prior_params}, seed);
}

}  // namespace neuralrg::test
