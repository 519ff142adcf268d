#include "pipeline/trained_flow.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "config/yaml_document.hpp"
#include "pipeline/checkpoint.hpp"
#include "pipeline/flow_builder.hpp"

namespace neuralrg {
namespace fs = std::filesystem;

TrainedFlow load_trained_flow(const fs::path& run_dir, const PluginRegistry& registry) {
  const fs::path config = run_dir / "config.yaml", file = run_dir / "flow.ckpt";
  if (!fs::exists(file)) {
    std::string why = fmt::format("{} has no trained flow (flow.ckpt)", run_dir.string());
    if (fs::exists(config) && has_variants(load_yaml_file(config)))
      why += fmt::format("; it holds variants, each with its own flow: {}/variants/NAME",
                         run_dir.string());
    throw std::runtime_error(why);
  }
  if (!fs::exists(config))
    throw std::runtime_error(
        fmt::format("{} is not a run directory (no config.yaml)", run_dir.string()));
  // The source's own sources (its flow_from, init_from) need not exist any more: only its
  // configuration and its weights are read.
  TrainedFlow out{run_dir, validate_pipeline(load_yaml_file(config), config, registry), {}, {}};
  out.extent = std::get<TargetFactory>(out.spec.target->factory->factory)(out.spec.target->params,
                                                                          TargetContext{})
                   ->lattice();
  out.flow =
      build_flow(out.extent, *out.spec.flow, out.spec.blocks, *out.spec.prior, out.spec.seed);
  restore(out.flow->parameters(), read_checkpoint(file).parameters, file);
  for (const Parameter* p : out.flow->parameters())
    if (!p->value.allFinite())
      throw std::runtime_error(fmt::format(
          "{} holds non-finite weights (NaN or infinity) in {}; the run it came from diverged",
          file.string(), p->name));
  return out;
}

}  // namespace neuralrg
