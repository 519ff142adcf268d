#include "pipeline/trained_flow.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "config/yaml_document.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/flow_builder.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

TrainedFlow load_trained_flow(const fs::path& run_dir, const PluginRegistry& registry) {
  const fs::path config = run_dir / "config.yaml";
  if (!fs::exists(config))
    throw std::runtime_error(
        fmt::format("{} is not a run directory (no config.yaml)", run_dir.string()));
  const fs::path file = run_dir / "flow.ckpt";
  if (!fs::exists(file))
    throw std::runtime_error(fmt::format(
        "{} has no flow.ckpt: none of its train stages has finished", run_dir.string()));
  TrainedFlow out{run_dir, validate_pipeline(load_yaml_file(config), config, registry), {}, {}};
  out.extent = std::get<TargetFactory>(out.spec.target->factory->factory)(out.spec.target->params,
                                                                          TargetContext{})
                   ->lattice();
  out.flow =
      build_flow(out.extent, *out.spec.flow, out.spec.blocks, *out.spec.prior, out.spec.seed);
  restore(out.flow->parameters(), read_checkpoint(file).parameters, file);
  return out;
}

}  // namespace neuralrg
