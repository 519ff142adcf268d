// Another run's trained flow, rebuilt as that run built it: what flow_from samples with and what
// init_from warm-starts from.
#pragma once

#include <filesystem>
#include <memory>
#include <vector>

#include "flow/flow.hpp"
#include "pipeline/pipeline_spec.hpp"

namespace neuralrg {

struct TrainedFlow {
  std::filesystem::path dir;
  PipelineSpec spec;          ///< The source run's configuration (its config.yaml, validated).
  std::vector<Index> extent;  ///< The lattice its flow was trained on.
  std::unique_ptr<Flow> flow;
};

/// Loads RUN_DIR/config.yaml and RUN_DIR/flow.ckpt. Not all of a flow is parameters (Real NVP's
/// random masks are drawn from the seed when it is built), so the flow is rebuilt from the source
/// run's flow, block and prior sections and its seed before it gets the trained weights. Only the
/// source's configuration and weights are read, not its own sources (flow_from, init_from). Throws
/// std::runtime_error (ConfigError for a bad config.yaml) naming the directory and the problem:
/// no flow.ckpt (a variants directory is pointed to its variants), non-finite weights.
TrainedFlow load_trained_flow(const std::filesystem::path& run_dir, const PluginRegistry& registry);

}  // namespace neuralrg
